import type { DatabaseSync } from "node:sqlite";
import type { ConversationRef } from "../../types/conversation.ts";
import type { ReplyPart } from "../../types/reply.ts";
import type { OutboxPart, OutboxRow, OutboxStatus, OutboxStore } from "../store.ts";

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
    `INSERT INTO outbox (key, conversation, part, status, message_id, attempts, next_attempt_at, created_at)
     VALUES (?, ?, ?, 'sent', ?, 1, ?, ?)
     ON CONFLICT (key) DO UPDATE SET status = 'sent', message_id = excluded.message_id, part = excluded.part, last_error = NULL`,
  );
  const markFailed = database.prepare(
    `INSERT INTO outbox (key, conversation, part, status, attempts, last_error, next_attempt_at, created_at)
     VALUES (?, ?, ?, ?, 1, ?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET status = excluded.status, part = excluded.part, attempts = attempts + 1,
       last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at`,
  );
  const selectDue = database.prepare(
    "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?",
  );

  return {
    async put(key: string, conversation: ConversationRef, part: ReplyPart, now: number) {
      insert.run(key, JSON.stringify(conversation), JSON.stringify(part), now, now);
      return toRow(select.get(key) as unknown as OutboxRecord);
    },
    async get(key: string) {
      const record = select.get(key) as OutboxRecord | undefined;
      return record && toRow(record);
    },
    async markSent(item: OutboxPart, messageId: string, now: number) {
      markSent.run(item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), messageId, now, now);
    },
    async markFailedAttempt(item: OutboxPart, error: string, nextAttemptAt: number, isFinal: boolean, now: number) {
      markFailed.run(
        item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), isFinal ? "failed" : "pending",
        error, nextAttemptAt, now,
      );
    },
    async due(now: number, limit: number) {
      return (selectDue.all(now, limit) as unknown as OutboxRecord[]).map(toRow);
    },
  };
}
