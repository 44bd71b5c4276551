import type pg from "pg";
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
  is_always: boolean;
  run_ref: string | null;
}

/** Approvals; a decision is one conditional UPDATE (and a NOTIFY), so a click on any process settles it once. */
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
    isAlways: row.is_always,
    ...(row.run_ref ? { runRef: row.run_ref } : {}),
  };
}

export function createPostgresApprovals(pool: pg.Pool): ApprovalStore {
  return {
    async create(record: ApprovalRecord) {
      await pool.query(
        `INSERT INTO approvals (id, conversation, requester_ref, tool, summary, status, created_at, expires_at, run_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          record.id, JSON.stringify(record.conversation), record.requesterRef, record.tool, record.summary, record.status,
          record.createdAt, record.expiresAt, record.runRef ?? null,
        ],
      );
    },
    async get(id: string) {
      const row = (await pool.query<ApprovalRow>("SELECT * FROM approvals WHERE id = $1", [id])).rows[0];
      return row ? toRecord(row) : undefined;
    },
    async list(filter) {
      const { rows } =
        filter.status === undefined
          ? await pool.query<ApprovalRow>("SELECT * FROM approvals ORDER BY created_at DESC, id LIMIT $1", [filter.limit])
          : await pool.query<ApprovalRow>("SELECT * FROM approvals WHERE status = $1 ORDER BY created_at DESC, id LIMIT $2", [filter.status, filter.limit]);
      return rows.map(toRecord);
    },
    async settle(id, status, decidedBy, at, isAlways = false) {
      const result = await pool.query(
        "UPDATE approvals SET status = $1, decided_by = $2, decided_at = $3, is_always = $4 WHERE id = $5 AND status = 'pending'",
        [status, decidedBy, at, isAlways, id],
      );
      return result.rowCount === 1;
    },
  };
}
