import type { DatabaseSync } from "node:sqlite";
import { inTransaction } from "./database.ts";
import { bySubject, subjectMatch } from "../pairing-sql.ts";
import type { PairingRequest, PairingStore } from "../store.ts";

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
      const record = select[kind].get(...params) as PairingRecord | undefined;
      return record ? toRequest(record) : undefined;
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
      const record = selectByCode.get(platform, code.toUpperCase(), now) as (PairingRecord & { rowid: number }) | undefined;
      if (!record) return undefined;
      approve.run(now, record.rowid);
      return { ...toRequest(record), approvedAt: now };
    },
    async listPending(now: number) {
      return (selectPending.all(now) as unknown as PairingRecord[]).map(toRequest);
    },
    async listApproved(limit: number) {
      return (selectApproved.all(limit) as unknown as PairingRecord[]).map(toRequest);
    },
    async revoke(subject) {
      const { kind, params } = subjectMatch(subject);
      return remove[kind].run(...params).changes > 0;
    },
  };
}
