import type { DatabaseSync } from "node:sqlite";
import { toPairingRequest, type PairingRow } from "../stored-rows.ts";
import { inTransaction } from "./database.ts";
import { bySubject, subjectMatch } from "../pairing-sql.ts";
import type { PairingRequest, PairingStore } from "../store.ts";

export function createSqlitePairing(database: DatabaseSync): PairingStore {
  const prepare = (text: string) => database.prepare(text);
  const select = bySubject((where) => `SELECT * FROM pairing WHERE ${where}`, prepare);
  const remove = bySubject((where) => `DELETE FROM pairing WHERE ${where}`, prepare);
  const insert = database.prepare(
    `INSERT INTO pairing (platform, chat_id, user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const markSent = bySubject((where) => `UPDATE pairing SET last_sent_at = ? WHERE ${where}`, prepare);
  const selectByCode = database.prepare(
    "SELECT rowid, * FROM pairing WHERE platform = ? AND code = ? AND approved_at IS NULL AND expires_at > ?",
  );
  const approve = database.prepare("UPDATE pairing SET approved_at = ? WHERE rowid = ?");
  const selectPending = database.prepare(
    "SELECT * FROM pairing WHERE approved_at IS NULL AND expires_at > ? ORDER BY created_at",
  );

  const selectApproved = database.prepare("SELECT * FROM pairing WHERE approved_at IS NOT NULL ORDER BY approved_at DESC LIMIT ?");

  return {
    async find(subject) {
      const { kind, params } = subjectMatch(subject);
      const record = select[kind].get(...params) as PairingRow | undefined;
      return record ? toPairingRequest(record) : undefined;
    },
    async save(request: PairingRequest) {
      inTransaction(database, () => {
        const { kind, params } = subjectMatch(request);
        remove[kind].run(...params);
        insert.run(
          request.platform, request.chatId ?? "", request.userId, request.displayName, request.code,
          request.createdAt, request.expiresAt, request.lastSentAt, request.approvedAt ?? null,
        );
      });
    },
    async markSent(subject, sentAt) {
      const { kind, params } = subjectMatch(subject);
      markSent[kind].run(sentAt, ...params);
    },
    async approve(platform: string, code: string, now: number) {
      const record = selectByCode.get(platform, code.toUpperCase(), now) as (PairingRow & { rowid: number }) | undefined;
      if (!record) return undefined;
      approve.run(now, record.rowid);
      return { ...toPairingRequest(record), approvedAt: now };
    },
    async listPending(now: number) {
      return (selectPending.all(now) as unknown as PairingRow[]).map(toPairingRequest);
    },
    async listApproved(limit: number) {
      return (selectApproved.all(limit) as unknown as PairingRow[]).map(toPairingRequest);
    },
    async revoke(subject) {
      const { kind, params } = subjectMatch(subject);
      return remove[kind].run(...params).changes > 0;
    },
  };
}
