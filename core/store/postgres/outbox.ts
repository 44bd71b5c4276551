import type pg from "pg";
import type { ConversationRef } from "../../types/conversation.ts";
import type { ReplyPart } from "../../types/reply.ts";
import type { OutboxClaim, OutboxPart, OutboxRow, OutboxStatus, OutboxStore } from "../store.ts";
import { toOutboxRow, type OutboxPartRow } from "../stored-rows.ts";

const columns = "key, conversation, part, status, message_id, attempts, next_attempt_at, last_error, claimed_until";

/**
 * Claims one part for sending in one statement: inserted as `sending`, or taken when pending or when its sender's
 * lease ran out (`ON CONFLICT … DO UPDATE … WHERE` decides on the row's latest version, under its lock). Only when
 * nothing was taken does a second statement read why (sent, failed, or held by a live claim).
 */
async function claimRow(pool: pg.Pool, item: OutboxPart, now: number, leaseMs: number): Promise<OutboxClaim> {
  for (;;) {
    const { rows: taken } = await pool.query<{ attempts: number; was_sending: boolean | null }>(
      `WITH previous AS (SELECT status FROM outbox WHERE key = $1),
       taken AS (
         INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at, claimed_until)
         VALUES ($1, $2, $3, 'sending', $4, $4, $5)
         ON CONFLICT (key) DO UPDATE SET status = 'sending', part = excluded.part, claimed_until = excluded.claimed_until
           WHERE outbox.status = 'pending' OR (outbox.status = 'sending' AND coalesce(outbox.claimed_until, 0) <= $4)
         RETURNING attempts
       )
       SELECT taken.attempts, (SELECT status = 'sending' FROM previous) AS was_sending FROM taken`,
      [item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), now, now + leaseMs],
    );
    if (taken[0]) return { type: "claimed", attempts: taken[0].attempts, wasUnknown: taken[0].was_sending === true };
    const { rows } = await pool.query<OutboxPartRow>(`SELECT ${columns} FROM outbox WHERE key = $1`, [item.key]);
    const record = rows[0];
    switch (record?.status as OutboxStatus | undefined) {
      case "sent":
        return { type: "sent", messageId: record!.message_id ?? "" };
      case "failed":
        return { type: "failed" };
      case "sending":
        if ((record!.claimed_until ?? 0) > now) return { type: "held", claimedUntil: record!.claimed_until ?? 0 };
        continue; // Its claim ran out between the two statements: try again.
      default:
        continue; // Pending again, or gone: try again.
    }
  }
}

/** Claims the due parts, each behind the open parts stored before it in its conversation. */
async function claimDue(pool: pg.Pool, now: number, limit: number, leaseMs: number): Promise<(OutboxRow & { wasUnknown: boolean })[]> {
  // A part waits for the open parts of the same conversation stored before it, so that a reply is never sent out
  // of order. Parts that wait for a condition are left to the adapter that parked them, and hold nothing back.
  const { rows } = await pool.query<OutboxPartRow & { was_sending: boolean; seq: number; created_at: number }>(
    `WITH claimable AS (
       SELECT o.key, o.status = 'sending' AS was_sending FROM outbox AS o
       WHERE ((o.status = 'pending' AND o.next_attempt_at <= $1) OR (o.status = 'sending' AND o.claimed_until <= $1))
         AND o.waits_for IS NULL
         AND NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE earlier.status IN ('pending', 'sending') AND earlier.waits_for IS NULL
           AND earlier.conversation = o.conversation AND earlier.seq < o.seq AND earlier.key <> o.key)
       ORDER BY o.created_at, o.seq LIMIT $2
       FOR UPDATE SKIP LOCKED
     )
     UPDATE outbox SET status = 'sending', claimed_until = $3 FROM claimable WHERE outbox.key = claimable.key
     RETURNING outbox.seq, outbox.created_at, claimable.was_sending, ${columns.split(", ").map((name) => `outbox.${name}`).join(", ")}`,
    [now, limit, now + leaseMs],
  );
  return rows
    .sort((a, b) => a.created_at - b.created_at || a.seq - b.seq)
    .map((record) => ({ ...toOutboxRow(record), status: "sending" as const, wasUnknown: record.was_sending }));
}

async function markSent(pool: pg.Pool, item: OutboxPart, messageId: string, now: number) {
  await pool.query(
    `INSERT INTO outbox (key, conversation, part, status, message_id, attempts, next_attempt_at, created_at)
     VALUES ($1, $2, $3, 'sent', $4, 1, $5, $5)
     ON CONFLICT (key) DO UPDATE SET status = 'sent', message_id = excluded.message_id, part = excluded.part, last_error = NULL,
       claimed_until = NULL, waits_for = NULL`,
    [item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), messageId, now],
  );
}

async function markFailedAttempt(pool: pg.Pool, item: OutboxPart, error: string, nextAttemptAt: number, isFinal: boolean, now: number) {
  await pool.query(
    `INSERT INTO outbox (key, conversation, part, status, attempts, last_error, next_attempt_at, created_at)
     VALUES ($1, $2, $3, $4, 1, $5, $6, $7)
     ON CONFLICT (key) DO UPDATE SET status = excluded.status, part = excluded.part, attempts = outbox.attempts + 1,
       last_error = excluded.last_error, next_attempt_at = excluded.next_attempt_at, claimed_until = NULL`,
    [item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), isFinal ? "failed" : "pending", error, nextAttemptAt, now],
  );
}

/**
 * The outbox on PostgreSQL. A claim locks the part's row (`FOR UPDATE`) for the decision; a flush claims due parts
 * with `FOR UPDATE SKIP LOCKED`, so two processes flushing at once take different parts and never wait on each other.
 */
export function createPostgresOutbox(pool: pg.Pool): OutboxStore {
  return {
    async claim(item, now, leaseMs) {
      return claimRow(pool, item, now, leaseMs);
    },
    claimDue: (now, limit, leaseMs) => claimDue(pool, now, limit, leaseMs),
    async releaseLeases() {
      const result = await pool.query("UPDATE outbox SET claimed_until = 0 WHERE status = 'sending'");
      return result.rowCount ?? 0;
    },
    async put(key: string, conversation: ConversationRef, part: ReplyPart, now: number) {
      const { rows } = await pool.query<OutboxPartRow>(
        `INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at) VALUES ($1, $2, $3, 'pending', $4, $4)
         ON CONFLICT (key) DO UPDATE SET part = CASE WHEN outbox.status = 'pending' THEN excluded.part ELSE outbox.part END
         RETURNING ${columns}`,
        [key, JSON.stringify(conversation), JSON.stringify(part), now],
      );
      return toOutboxRow(rows[0]!);
    },
    async get(key: string) {
      const { rows } = await pool.query<OutboxPartRow>(`SELECT ${columns} FROM outbox WHERE key = $1`, [key]);
      return rows[0] && toOutboxRow(rows[0]);
    },
    markSent: (item, messageId, now) => markSent(pool, item, messageId, now),
    markFailedAttempt: (item, error, nextAttemptAt, isFinal, now) => markFailedAttempt(pool, item, error, nextAttemptAt, isFinal, now),
    async park(item, waitsFor, now) {
      await pool.query(
        `INSERT INTO outbox (key, conversation, part, status, next_attempt_at, created_at, waits_for)
         VALUES ($1, $2, $3, 'pending', $4, $4, $5) ON CONFLICT (key) DO NOTHING`,
        [item.key, JSON.stringify(item.conversation), JSON.stringify(item.part), now, waitsFor],
      );
    },
    async waiting(waitsFor) {
      const { rows } = await pool.query<{ key: string; conversation: string; part: string }>(
        "SELECT key, conversation, part FROM outbox WHERE waits_for = $1 AND status = 'pending' ORDER BY created_at, seq",
        [waitsFor],
      );
      return rows.map((record) => ({
        key: record.key,
        conversation: JSON.parse(record.conversation) as ConversationRef,
        part: JSON.parse(record.part) as ReplyPart,
      }));
    },
    async due(now: number, limit: number) {
      const { rows } = await pool.query<OutboxPartRow>(
        `SELECT ${columns} FROM outbox WHERE status = 'pending' AND waits_for IS NULL AND next_attempt_at <= $1 ORDER BY created_at, seq LIMIT $2`,
        [now, limit],
      );
      return rows.map(toOutboxRow);
    },
  };
}
