import type { DatabaseSync } from "node:sqlite";
import type { ConversationRef } from "../../types/conversation.ts";
import type { ReplyPart } from "../../types/reply.ts";
import type { OutboxClaim, OutboxPart, OutboxStatus, OutboxStore } from "../store.ts";
import { toOutboxRow, type OutboxPartRow } from "../stored-rows.ts";
import { inTransaction } from "./database.ts";

/** The outbox's statements, prepared once per connection. */
function prepareOutboxStatements(database: DatabaseSync) {
  return {
    insert: database.prepare(
      "INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at) VALUES (?, ?, ?, 'pending', ?, ?) ON CONFLICT (key) DO UPDATE SET part = excluded.part WHERE status = 'pending'",
    ),
    select: database.prepare("SELECT * FROM outbox WHERE key = ?"),
    markSent: database.prepare(
      `INSERT INTO outbox (key, conversation, part, status, message_id, attempts, next_attempt_at, created_at)
       VALUES (?, ?, ?, 'sent', ?, 1, ?, ?)
       ON CONFLICT (key) DO UPDATE SET status = 'sent', message_id = excluded.message_id, part = excluded.part, last_error = NULL,
         claimed_until = NULL, waits_for = NULL`,
    ),
    markFailed: database.prepare(
      `INSERT INTO outbox (key, conversation, part, status, attempts, last_error, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, 1, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET status = excluded.status, part = excluded.part, attempts = attempts + 1,
         last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at, claimed_until = NULL`,
    ),
    selectDue: database.prepare(
      "SELECT * FROM outbox WHERE status = 'pending' AND waits_for IS NULL AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?",
    ),
    selectClaimable: database.prepare(
      // A part waits for the parts of the same reply stored before it, so that a reply is never sent out of order.
      // Parts that wait for a condition are left to the adapter that parked them, and hold nothing back.
      `SELECT * FROM outbox AS o WHERE ((status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_until <= ?))
         AND waits_for IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.status IN ('pending', 'sending') AND earlier.waits_for IS NULL
           AND earlier.conversation = o.conversation AND earlier.rowid < o.rowid AND earlier.key <> o.key)
       ORDER BY created_at, rowid LIMIT ?`,
    ),
    insertClaimed: database.prepare(
      "INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at, claimed_until) VALUES (?, ?, ?, 'sending', ?, ?, ?)",
    ),
    setClaimed: database.prepare("UPDATE outbox SET status = 'sending', part = ?, claimed_until = ? WHERE key = ?"),
    extendClaim: database.prepare("UPDATE outbox SET status = 'sending', claimed_until = ? WHERE key = ?"),
    releaseLeases: database.prepare("UPDATE outbox SET claimed_until = 0 WHERE status = 'sending'"),
    park: database.prepare(
      "INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at, waits_for) VALUES (?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (key) DO NOTHING",
    ),
    selectWaiting: database.prepare(
      "SELECT key, conversation, part FROM outbox WHERE waits_for = ? AND status = 'pending' ORDER BY created_at, rowid",
    ),
  };
}

type OutboxStatements = ReturnType<typeof prepareOutboxStatements>;

/** Decides a claim on the row as it is now; called inside the transaction that writes it. */
function claimRow(sql: OutboxStatements, item: OutboxPart, record: OutboxPartRow | undefined, now: number, leaseMs: number): OutboxClaim {
  if (!record) {
    sql.insertClaimed.run(item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), now, now, now + leaseMs);
    return { type: "claimed", attempts: 0, wasUnknown: false };
  }
  switch (record.status as OutboxStatus) {
    case "sent":
      return { type: "sent", messageId: record.message_id ?? "" };
    case "failed":
      return { type: "failed" };
    case "sending":
      if ((record.claimed_until ?? 0) > now) return { type: "held", claimedUntil: record.claimed_until ?? 0 };
      sql.setClaimed.run(JSON.stringify(item.part), now + leaseMs, item.key);
      return { type: "claimed", attempts: record.attempts, wasUnknown: true };
    case "pending":
      sql.setClaimed.run(JSON.stringify(item.part), now + leaseMs, item.key);
      return { type: "claimed", attempts: record.attempts, wasUnknown: false };
  }
}

export function createSqliteOutbox(database: DatabaseSync): OutboxStore {
  const sql = prepareOutboxStatements(database);
  return {
    async claim(item, now, leaseMs) {
      return inTransaction(database, () => claimRow(sql, item, sql.select.get(item.key) as OutboxPartRow | undefined, now, leaseMs));
    },
    async claimDue(now, limit, leaseMs) {
      return inTransaction(database, () =>
        (sql.selectClaimable.all(now, now, limit) as unknown as OutboxPartRow[]).map((record) => {
          sql.extendClaim.run(now + leaseMs, record.key);
          return { ...toOutboxRow(record), status: "sending" as const, wasUnknown: record.status === "sending" };
        }),
      );
    },
    async releaseLeases() {
      return Number(sql.releaseLeases.run().changes);
    },
    async put(key: string, conversation: ConversationRef, part: ReplyPart, now: number) {
      sql.insert.run(key, JSON.stringify(conversation), JSON.stringify(part), now, now);
      return toOutboxRow(sql.select.get(key) as unknown as OutboxPartRow);
    },
    async get(key: string) {
      const record = sql.select.get(key) as OutboxPartRow | undefined;
      return record && toOutboxRow(record);
    },
    async markSent(item: OutboxPart, messageId: string, now: number) {
      sql.markSent.run(item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), messageId, now, now);
    },
    async markFailedAttempt(item: OutboxPart, error: string, nextAttemptAt: number, isFinal: boolean, now: number) {
      sql.markFailed.run(
        item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), isFinal ? "failed" : "pending",
        error, nextAttemptAt, now,
      );
    },
    async park(item, waitsFor, now) {
      sql.park.run(item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), now, now, waitsFor);
    },
    async waiting(waitsFor) {
      return (sql.selectWaiting.all(waitsFor) as { key: string; conversation: string; part: string }[]).map((record) => ({
        key: record.key,
        conversation: JSON.parse(record.conversation) as ConversationRef,
        part: JSON.parse(record.part) as ReplyPart,
      }));
    },
    async due(now: number, limit: number) {
      return (sql.selectDue.all(now, limit) as unknown as OutboxPartRow[]).map(toOutboxRow);
    },
  };
}
