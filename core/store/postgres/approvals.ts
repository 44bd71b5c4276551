import type pg from "pg";
import type { ApprovalRecord, ApprovalStore } from "../store.ts";
import { toApproval, type ApprovalRow } from "../stored-rows.ts";

/** Approvals; a decision is one conditional UPDATE (and a NOTIFY), so a click on any process settles it once. */
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
      return row ? toApproval(row) : undefined;
    },
    async list(filter) {
      const { rows } =
        filter.status === undefined
          ? await pool.query<ApprovalRow>("SELECT * FROM approvals ORDER BY created_at DESC, id LIMIT $1", [filter.limit])
          : await pool.query<ApprovalRow>("SELECT * FROM approvals WHERE status = $1 ORDER BY created_at DESC, id LIMIT $2", [filter.status, filter.limit]);
      return rows.map(toApproval);
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
