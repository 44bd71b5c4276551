import type { DatabaseSync } from "node:sqlite";
import type { ConversationRef } from "../../types/conversation.ts";
import type { ApprovalRecord, ApprovalStatus, ApprovalStore } from "../store.ts";

interface ApprovalRow {
  id: string;
  conversation: string;
  requester_ref: string;
  tool: string;
  summary: string;
  status: string;
  created_at: number;
  expires_at: number;
  decided_by: string | null;
  is_always: number;
}

function toRecord(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    conversation: JSON.parse(row.conversation) as ConversationRef,
    requesterRef: row.requester_ref,
    tool: row.tool,
    summary: row.summary,
    status: row.status as ApprovalStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by ?? undefined,
    isAlways: row.is_always === 1,
  };
}

export function createSqliteApprovals(database: DatabaseSync): ApprovalStore {
  const insert = database.prepare(
    `INSERT INTO approvals (id, conversation, requester_ref, tool, summary, status, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const select = database.prepare("SELECT * FROM approvals WHERE id = ?");
  const listAll = database.prepare("SELECT * FROM approvals ORDER BY created_at DESC, id LIMIT ?");
  const listByStatus = database.prepare("SELECT * FROM approvals WHERE status = ? ORDER BY created_at DESC, id LIMIT ?");
  const settle = database.prepare(
    "UPDATE approvals SET status = ?, decided_by = ?, decided_at = ?, is_always = ? WHERE id = ? AND status = 'pending'",
  );

  return {
    async create(record: ApprovalRecord) {
      insert.run(
        record.id, JSON.stringify(record.conversation), record.requesterRef, record.tool, record.summary,
        record.status, record.createdAt, record.expiresAt,
      );
    },
    async get(id: string) {
      const row = select.get(id) as ApprovalRow | undefined;
      return row ? toRecord(row) : undefined;
    },
    async settle(id, status, decidedBy, at, isAlways = false) {
      return settle.run(status, decidedBy, at, isAlways ? 1 : 0, id).changes === 1;
    },
    async list(filter) {
      const rows = filter.status === undefined ? listAll.all(filter.limit) : listByStatus.all(filter.status, filter.limit);
      return (rows as unknown as ApprovalRow[]).map(toRecord);
    },
  };
}
