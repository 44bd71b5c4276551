import type { DatabaseSync } from "node:sqlite";
import type { PairingRequest, PairingStore } from "../store.ts";

interface PairingRecord {
  platform: string;
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
  const select = database.prepare("SELECT * FROM pairing WHERE platform = ? AND user_id = ?");
  const upsert = database.prepare(
    `INSERT INTO pairing (platform, user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (platform, user_id) DO UPDATE SET display_name = excluded.display_name, code = excluded.code,
       created_at = excluded.created_at, expires_at = excluded.expires_at, last_sent_at = excluded.last_sent_at,
       approved_at = excluded.approved_at`,
  );
  const markSent = database.prepare("UPDATE pairing SET last_sent_at = ? WHERE platform = ? AND user_id = ?");
  const selectByCode = database.prepare(
    "SELECT * FROM pairing WHERE platform = ? AND code = ? AND approved_at IS NULL AND expires_at > ?",
  );
  const approve = database.prepare("UPDATE pairing SET approved_at = ? WHERE platform = ? AND user_id = ?");
  const selectPending = database.prepare(
    "SELECT * FROM pairing WHERE approved_at IS NULL AND expires_at > ? ORDER BY created_at",
  );

  return {
    async find(platform: string, userId: string) {
      const record = select.get(platform, userId) as PairingRecord | undefined;
      return record ? toRequest(record) : undefined;
    },
    async save(request: PairingRequest) {
      upsert.run(
        request.platform, request.userId, request.displayName, request.code,
        request.createdAt, request.expiresAt, request.lastSentAt, request.approvedAt ?? null,
      );
    },
    async markSent(platform: string, userId: string, sentAt: number) {
      markSent.run(sentAt, platform, userId);
    },
    async approve(platform: string, code: string, now: number) {
      const record = selectByCode.get(platform, code.toUpperCase(), now) as PairingRecord | undefined;
      if (!record) return undefined;
      approve.run(now, record.platform, record.user_id);
      return { ...toRequest(record), approvedAt: now };
    },
    async listPending(now: number) {
      return (selectPending.all(now) as unknown as PairingRecord[]).map(toRequest);
    },
  };
}
