import type pg from "pg";
import { subjectRow, type PairingSubjectKind } from "../pairing-store.ts";
import type { PairingRequest, PairingStore, PairingSubject } from "../store.ts";
import { inTransaction } from "./database.ts";

interface PairingRecord {
  platform: string;
  chat_id: string;
  user_id: string;
  display_name: string;
  code: string;
  created_at: number;
  expires_at: number;
  last_sent_at: number;
  approved_at: number | null;
}

function toRequest(record: PairingRecord): PairingRequest {
  return {
    platform: record.platform,
    chatId: record.chat_id === "" ? undefined : record.chat_id,
    userId: record.user_id,
    displayName: record.display_name,
    code: record.code,
    createdAt: record.created_at,
    expiresAt: record.expires_at,
    lastSentAt: record.last_sent_at,
    approvedAt: record.approved_at ?? undefined,
  };
}

/**
 * Where one subject's row is: a person's (chat_id '') through `pairing_by_user`, a group's through `pairing_by_group`.
 * The literal conditions on chat_id let the planner use those partial indexes in a prepared statement's plan (a
 * CASE on a parameter read the whole table on every message of a paired chat). Parameters $1 and $2; a
 * statement's own parameters follow them.
 */
const subjectWhere: Record<PairingSubjectKind, string> = {
  person: "platform = $1 AND chat_id = '' AND user_id = $2",
  group: "platform = $1 AND chat_id = $2 AND chat_id <> ''",
};

export function subjectMatch(subject: PairingSubject): { where: string; params: string[] } {
  const { kind, id } = subjectRow(subject);
  return { where: subjectWhere[kind], params: [subject.platform, id] };
}

export function createPostgresPairing(pool: pg.Pool): PairingStore {
  return {
    async find(subject) {
      const { where, params } = subjectMatch(subject);
      const record = (await pool.query<PairingRecord>(`SELECT * FROM pairing WHERE ${where}`, params)).rows[0];
      return record ? toRequest(record) : undefined;
    },
    async save(request: PairingRequest) {
      await inTransaction(pool, async (client) => {
        const { where, params } = subjectMatch(request);
        await client.query(`DELETE FROM pairing WHERE ${where}`, params);
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
      const { where, params } = subjectMatch(subject);
      await pool.query(`UPDATE pairing SET last_sent_at = $3 WHERE ${where}`, [...params, sentAt]);
    },
    async approve(platform: string, code: string, now: number) {
      // One conditional UPDATE: two admins approving the same code at once approve it once.
      const { rows } = await pool.query<PairingRecord>(
        `UPDATE pairing SET approved_at = $3 WHERE id = (
           SELECT id FROM pairing WHERE platform = $1 AND code = $2 AND approved_at IS NULL AND expires_at > $3 LIMIT 1 FOR UPDATE
         ) AND approved_at IS NULL RETURNING *`,
        [platform, code.toUpperCase(), now],
      );
      return rows[0] ? toRequest(rows[0]) : undefined;
    },
    async listPending(now: number) {
      const { rows } = await pool.query<PairingRecord>("SELECT * FROM pairing WHERE approved_at IS NULL AND expires_at > $1 ORDER BY created_at", [now]);
      return rows.map(toRequest);
    },
    async listApproved(limit: number) {
      const { rows } = await pool.query<PairingRecord>("SELECT * FROM pairing WHERE approved_at IS NOT NULL ORDER BY approved_at DESC LIMIT $1", [limit]);
      return rows.map(toRequest);
    },
    async revoke(subject) {
      const { where, params } = subjectMatch(subject);
      const result = await pool.query(`DELETE FROM pairing WHERE ${where}`, params);
      return (result.rowCount ?? 0) > 0;
    },
  };
}
