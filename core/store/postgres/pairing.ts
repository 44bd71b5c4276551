import type pg from "pg";
import { numberedPlaceholders } from "../audit-log-sql.ts";
import { bySubject, subjectMatch } from "../pairing-sql.ts";
import type { PairingRequest, PairingStore } from "../store.ts";
import { toPairingRequest, type PairingRow } from "../stored-rows.ts";
import { inTransaction } from "./database.ts";

export function createPostgresPairing(pool: pg.Pool): PairingStore {
  const select = bySubject((where) => `SELECT * FROM pairing WHERE ${where}`, numberedPlaceholders);
  const remove = bySubject((where) => `DELETE FROM pairing WHERE ${where}`, numberedPlaceholders);
  const markSent = bySubject((where) => `UPDATE pairing SET last_sent_at = ? WHERE ${where}`, numberedPlaceholders);
  return {
    async find(subject) {
      const { kind, params } = subjectMatch(subject);
      const record = (await pool.query<PairingRow>(select[kind], params)).rows[0];
      return record ? toPairingRequest(record) : undefined;
    },
    async save(request: PairingRequest) {
      await inTransaction(pool, async (client) => {
        const { kind, params } = subjectMatch(request);
        await client.query(remove[kind], params);
        await client.query(
          `INSERT INTO pairing (platform, chat_id, user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            request.platform, request.chatId ?? "", request.userId, request.displayName, request.code,
            request.createdAt, request.expiresAt, request.lastSentAt, request.approvedAt ?? null,
          ],
        );
      });
    },
    async markSent(subject, sentAt) {
      const { kind, params } = subjectMatch(subject);
      await pool.query(markSent[kind], [sentAt, ...params]);
    },
    async approve(platform: string, code: string, now: number) {
      // One conditional UPDATE: two admins approving the same code at once approve it once.
      const { rows } = await pool.query<PairingRow>(
        `UPDATE pairing SET approved_at = $3 WHERE id = (
           SELECT id FROM pairing WHERE platform = $1 AND code = $2 AND approved_at IS NULL AND expires_at > $3 LIMIT 1 FOR UPDATE
         ) AND approved_at IS NULL RETURNING *`,
        [platform, code.toUpperCase(), now],
      );
      return rows[0] ? toPairingRequest(rows[0]) : undefined;
    },
    async listPending(now: number) {
      const { rows } = await pool.query<PairingRow>("SELECT * FROM pairing WHERE approved_at IS NULL AND expires_at > $1 ORDER BY created_at", [now]);
      return rows.map(toPairingRequest);
    },
    async listApproved(limit: number) {
      const { rows } = await pool.query<PairingRow>("SELECT * FROM pairing WHERE approved_at IS NOT NULL ORDER BY approved_at DESC LIMIT $1", [limit]);
      return rows.map(toPairingRequest);
    },
    async revoke(subject) {
      const { kind, params } = subjectMatch(subject);
      const result = await pool.query(remove[kind], params);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
