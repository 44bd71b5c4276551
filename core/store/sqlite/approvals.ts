import type { DatabaseSync } from "node:sqlite";
import type { ApprovalRecord, ApprovalStore } from "../store.ts";
import { toApproval, type ApprovalRow } from "../stored-rows.ts";

export function createSqliteApprovals(database: DatabaseSync): ApprovalStore {
  const insert = database.prepare(
    `INSERT INTO approvals (id, conversation, requester_ref, tool, summary, status, created_at, expires_at, run_ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        record.status, record.createdAt, record.expiresAt, record.runRef ?? null,
      );
    },
    async get(id: string) {
      const row = select.get(id) as ApprovalRow | undefined;
      return row ? toApproval(row) : undefined;
    },
    async settle(id, status, decidedBy, at, isAlways = false) {
      return settle.run(status, decidedBy, at, isAlways ? 1 : 0, id).changes === 1;
    },
    async list(filter) {
      const rows = filter.status === undefined ? listAll.all(filter.limit) : listByStatus.all(filter.status, filter.limit);
      return (rows as unknown as ApprovalRow[]).map(toApproval);
    },
  };
}
