import type { DatabaseSync } from "node:sqlite";
import type { ConversationRef } from "../../types/conversation.ts";
import type { ReplyPart } from "../../types/reply.ts";
import type { OutboxRow, OutboxStatus, OutboxStore } from "../store.ts";

interface OutboxRecord {
  key: string;
  conversation: string;
  part: string;
  status: string;
  message_id: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
}

function toRow(record: OutboxRecord): OutboxRow {
  return {
    key: record.key,
    conversation: JSON.parse(record.conversation) as ConversationRef,
    part: JSON.parse(record.part) as ReplyPart,
    status: record.status as OutboxStatus,
    messageId: record.message_id ?? undefined,
    attempts: record.attempts,
    nextAttemptAt: record.next_attempt_at,
    lastError: record.last_error ?? undefined,
  };
}

export function createSqliteOutbox(database: DatabaseSync): OutboxStore {
  const insert = database.prepare(
    "INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO UPDATE SET part = excluded.part WHERE status = 'pending'",
  );
  const select = database.prepare("SELECT * FROM outbox WHERE key = ?");
  const markSent = database.prepare(
    "UPDATE outbox SET status = 'sent', message_id = ?, part = ?, last_error = NULL WHERE key = ?",
  );
  const markFailed = database.prepare(
    "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE key = ?",
  );
  const selectDue = database.prepare(
    "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?",
  );

  return {
    async put(key: string, conversation: ConversationRef, part: ReplyPart, now: number) {
      insert.run(key, JSON.stringify(conversation), JSON.stringify(part), now, now);
      return toRow(select.get(key) as unknown as OutboxRecord);
    },
    async markSent(key: string, messageId: string, part: ReplyPart) {
      markSent.run(messageId, JSON.stringify(part), key);
    },
    async markFailedAttempt(key: string, error: string, nextAttemptAt: number, isFinal: boolean) {
      markFailed.run(isFinal ? "failed" : "pending", error, nextAttemptAt, key);
    },
    async due(now: number, limit: number) {
      return (selectDue.all(now, limit) as unknown as OutboxRecord[]).map(toRow);
    },
  };
}
