import { randomUUID } from "node:crypto";
import type pg from "pg";
import { channelOf, conversationKey } from "../../types/conversation.ts";
import type { InboundMessage } from "../../types/message.ts";
import { inboxKey, type ClaimOptions, type HeldWork, type InboxRow, type InboxStatus, type InboxStore } from "../store.ts";
import { toInboxRow, type InboxMessageRow } from "../stored-rows.ts";
import { inTransaction, nowMs } from "./database.ts";

export type InboxRecord = InboxMessageRow & { seq: number };

export function toRows(records: InboxRecord[]): InboxRow[] {
  return records
    .sort((a, b) => a.seq - b.seq)
    .map(toInboxRow);
}

/** The seq before which queued rows may join a new turn: the oldest fresh `received` row's ($1: the conversation). */
const heldBehind = (since: string) =>
  `coalesce((SELECT min(seq) FROM inbox AS r WHERE r.status = 'received' AND r.conversation_key = $1 AND r.received_at > ${since}::bigint), 9223372036854775807)`;

/** As `heldBehind`, leaving out the row `key` (a parameter, possibly null): the one being queued now. */
const heldBehindExcept = (since: string, key: string) =>
  `coalesce((SELECT min(seq) FROM inbox AS r WHERE r.status = 'received' AND r.conversation_key = $1 AND r.received_at > ${since}::bigint
     AND r.key IS DISTINCT FROM ${key}), 9223372036854775807)`;

type InsertRow = [key: string, conversationKey: string, message: string, receivedAt: number];

/**
 * Group commit: the inserts of one event-loop turn go in one statement (one round trip, one commit). Resolves each
 * with whether its row was new.
 */
function createInsertBatcher(pool: pg.Pool): (row: InsertRow) => Promise<boolean> {
  let batch: { row: InsertRow; resolve(isNew: boolean): void; reject(error: unknown): void }[] = [];
  const commitBatch = async () => {
    const pending = batch;
    batch = [];
    try {
      const columns = [0, 1, 2, 3].map((index) => pending.map(({ row }) => row[index]));
      const { rows } = await pool.query<{ key: string }>(
        `INSERT INTO inbox (key, conversation_key, message, status, received_at)
         SELECT key, conversation_key, message, 'received', received_at
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS t (key, conversation_key, message, received_at, n)
         ORDER BY n
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        columns,
      );
      // The same key twice in one batch: the first is new, the second a duplicate.
      const inserted = new Set(rows.map((row) => row.key));
      for (const entry of pending) entry.resolve(inserted.delete(entry.row[0]));
    } catch (error) {
      for (const entry of pending) entry.reject(error);
    }
  };
  return (row) =>
    new Promise<boolean>((resolve, reject) => {
      batch.push({ row, resolve, reject });
      if (batch.length === 1) setImmediate(() => void commitBatch());
    });
}

async function requeueAndRead(client: pg.PoolClient, held: HeldWork | undefined) {
  // Running rows go back to queued unless a live lease covers their conversation (another process runs them).
  await client.query(
    `UPDATE inbox SET status = 'queued' WHERE status = 'running' AND NOT (conversation_key = ANY($1::text[]))
       AND NOT EXISTS (SELECT 1 FROM leases WHERE leases.key = inbox.conversation_key AND leases.expires_at > ${nowMs})`,
    [held?.conversationKeys ?? []],
  );
  const received = await client.query<InboxRecord>(
    "SELECT * FROM inbox WHERE status = 'received' AND NOT (key = ANY($1::text[])) AND received_at < $2 ORDER BY seq",
    [held?.messageKeys ?? [], held?.receivedBefore ?? Number.MAX_SAFE_INTEGER],
  );
  const queued = await client.query<{ conversation_key: string }>("SELECT DISTINCT conversation_key FROM inbox WHERE status = 'queued'");
  return { received: toRows(received.rows), queuedConversations: queued.rows.map((row) => row.conversation_key) };
}

async function setStatus(pool: pg.Pool, keys: readonly string[], status: InboxStatus): Promise<void> {
  if (keys.length === 0) return;
  // Forward only: a late or repeated transition (a message processed twice) cannot put a row back.
  if (status === "queued") {
    await pool.query("UPDATE inbox SET status = 'queued' WHERE key = ANY($1::text[]) AND status = 'received'", [keys]);
  } else if (status === "done" || status === "ignored") {
    await pool.query("UPDATE inbox SET status = $2 WHERE key = ANY($1::text[]) AND status IN ('received', 'queued', 'running')", [keys, status]);
  } else {
    throw new Error(`inbox rows move to ${status} only by claim or recovery`);
  }
}

/** `status = ANY($2)` (queued, or queued and running) in literals too, so that the planner reads `inbox_unfinished`. */
const isWaiting = "status IN ('queued', 'running')";

/**
 * The CTEs that claim a conversation's next turn ($1 the conversation, $2 the unfinished statuses, $3 a new turn id, $4
 * `heldBehindSince`): `unfinished` and `fresh` return the rows claimed. `gate`: a condition both claims also need.
 * A turn claimed before a crash first, whole; otherwise every queued row joins a new turn. Right after a takeover, rows
 * still running are a dead holder's turn, not yet recovered: it goes first too. Both updates see the same snapshot, and
 * the second runs only when there is no unfinished turn. `queueKey` (a parameter, possibly null): a row just admitted,
 * still `received`, which `fresh` claims as if it were queued, or `queued` queues (a row is changed once per statement).
 */
export const claimTurnCtes = ({ gate = "TRUE", queueKey }: { gate?: string; queueKey?: string } = {}) => {
  const isFresh = queueKey ? `(status = 'queued' OR (key = ${queueKey} AND status = 'received'))` : "status = 'queued'";
  const heldBy = queueKey ? heldBehindExcept("$4", queueKey) : heldBehind("$4");
  return `first_turn AS (
       SELECT turn FROM inbox WHERE ${isWaiting} AND status = ANY($2::text[]) AND conversation_key = $1 AND turn IS NOT NULL ORDER BY seq LIMIT 1
     ), unfinished AS (
       UPDATE inbox SET status = 'running' WHERE ${gate} AND ${isWaiting} AND status = ANY($2::text[]) AND conversation_key = $1 AND turn = (SELECT turn FROM first_turn)
       RETURNING *
     ), fresh AS (
       UPDATE inbox SET status = 'running', turn = $3 WHERE ${gate} AND ${isFresh} AND conversation_key = $1 AND turn IS NULL
         AND NOT EXISTS (SELECT 1 FROM first_turn) AND seq < ${heldBy}
       RETURNING *
     )${queueKey ? `, queued AS (
       UPDATE inbox SET status = 'queued' WHERE key = ${queueKey} AND status = 'received' AND NOT EXISTS (SELECT 1 FROM fresh WHERE fresh.key = ${queueKey})
     )` : ""}`;
};

/** The parameters of `claimTurnCtes`, $1 to $4. */
export const claimTurnParams = (conversation: string, options: ClaimOptions) => [
  conversation, options.isTakeover ? ["queued", "running"] : ["queued"], randomUUID(), options.heldBehindSince ?? null,
];

async function claimQueued(pool: pg.Pool, conversation: string, options: ClaimOptions): Promise<InboxRow[]> {
  const { rows } = await pool.query<InboxRecord>(
    `WITH ${claimTurnCtes()} SELECT * FROM unfinished UNION ALL SELECT * FROM fresh`,
    claimTurnParams(conversation, options),
  );
  return toRows(rows);
}

/**
 * The inbox on PostgreSQL. Several processes share it: a turn is claimed by one conditional UPDATE … RETURNING
 * (so a row that arrives meanwhile is either in the turn or left queued, never marked without being returned), and
 * recovery gives back only the running rows of conversations whose lease nobody alive holds.
 */
export function createPostgresInbox(pool: pg.Pool, durablePool: pg.Pool = pool): InboxStore {
  // Inserts are acknowledged to the platform: they commit on connections whose commits wait for the disk.
  const insertRow = createInsertBatcher(durablePool);
  return {
    insert(message: InboundMessage, receivedAt: number) {
      // The raw platform payload can be large and is of no use after normalization: it is not kept.
      const { raw: _raw, ...kept } = message;
      return insertRow([inboxKey(channelOf(message.conversation), message.id), conversationKey(message.conversation), JSON.stringify(kept), receivedAt]);
    },
    async updateMessage(key: string, message: InboundMessage) {
      const { raw: _raw, ...kept } = message;
      await pool.query("UPDATE inbox SET message = $1 WHERE key = $2", [JSON.stringify(kept), key]);
    },
    setStatus: (keys, status) => setStatus(pool, keys, status),
    claimQueued: (conversation, options = {}) => claimQueued(pool, conversation, options),
    async hasQueued(conversation: string, options = {}) {
      const { rows } = await pool.query(
        `SELECT 1 FROM inbox WHERE status = 'queued' AND conversation_key = $1 AND (turn IS NOT NULL OR seq < ${heldBehind("$2")}) LIMIT 1`,
        [conversation, options.heldBehindSince ?? null],
      );
      return rows.length > 0;
    },
    async countQueued() {
      const { rows } = await pool.query<{ n: number }>("SELECT count(*) AS n FROM inbox WHERE status = 'queued'");
      return rows[0]!.n;
    },
    async recover(held?: HeldWork) {
      return inTransaction(pool, (client) => requeueAndRead(client, held));
    },
  };
}
