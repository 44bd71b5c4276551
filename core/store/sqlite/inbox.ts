import type { DatabaseSync } from "node:sqlite";
import { channelOf, conversationKey } from "../../types/conversation.ts";
import type { InboundMessage } from "../../types/message.ts";
import { inboxKey, type ClaimOptions, type HeldWork, type InboxRow, type InboxStatus, type InboxStore } from "../store.ts";
import { toInboxRow, type InboxMessageRow } from "../stored-rows.ts";
import { inTransaction } from "./database.ts";

// Queued rows behind an older message still being taken in wait for it (ClaimOptions.heldBehindSince).
const heldBehind = "coalesce((SELECT min(seq) FROM inbox AS r WHERE r.status = 'received' AND r.conversation_key = ? AND r.received_at > ?), 9223372036854775807)";

/** The inbox's statements, prepared once per connection; `insert` on the durable one. */
function prepareInboxStatements(database: DatabaseSync, durable: DatabaseSync) {
  return {
    insert: durable.prepare(
      "INSERT INTO inbox (key, conversation_key, message, status, received_at) VALUES (?, ?, ?, 'received', ?) ON CONFLICT (key) DO NOTHING",
    ),
    // Forward only: a late or repeated transition (a message processed twice) cannot put a row back.
    setQueued: database.prepare("UPDATE inbox SET status = 'queued' WHERE key = ? AND status = 'received'"),
    setFinished: database.prepare("UPDATE inbox SET status = ? WHERE key = ? AND status IN ('received', 'queued', 'running')"),
    setMessage: database.prepare("UPDATE inbox SET message = ? WHERE key = ?"),
    selectUnfinishedTurn: database.prepare(
      "SELECT turn FROM inbox WHERE status IN ('queued', ?) AND conversation_key = ? AND turn IS NOT NULL ORDER BY seq LIMIT 1",
    ),
    selectTurn: database.prepare(
      "SELECT * FROM inbox WHERE status IN ('queued', ?) AND conversation_key = ? AND turn = ? ORDER BY seq",
    ),
    markTurnRunning: database.prepare(
      "UPDATE inbox SET status = 'running' WHERE status IN ('queued', ?) AND conversation_key = ? AND turn = ?",
    ),
    selectNew: database.prepare(
      `SELECT * FROM inbox WHERE status = 'queued' AND conversation_key = ? AND turn IS NULL AND seq < ${heldBehind} ORDER BY seq`,
    ),
    markNewRunning: database.prepare(
      `UPDATE inbox SET status = 'running', turn = ? WHERE status = 'queued' AND conversation_key = ? AND turn IS NULL AND seq < ${heldBehind}`,
    ),
    anyClaimable: database.prepare(
      `SELECT 1 FROM inbox WHERE status = 'queued' AND conversation_key = ? AND (turn IS NOT NULL OR seq < ${heldBehind}) LIMIT 1`,
    ),
    countQueued: database.prepare("SELECT count(*) AS n FROM inbox WHERE status = 'queued'"),
    anyQueued: database.prepare("SELECT 1 FROM inbox WHERE status = 'queued' AND conversation_key = ? LIMIT 1"),
    requeue: database.prepare(
      "UPDATE inbox SET status = 'queued' WHERE status = 'running' AND conversation_key NOT IN (SELECT value FROM json_each(?))",
    ),
    selectReceived: database.prepare(
      "SELECT * FROM inbox WHERE status = 'received' AND key NOT IN (SELECT value FROM json_each(?)) AND received_at < ? ORDER BY seq",
    ),
    selectQueuedConversations: database.prepare(
      "SELECT DISTINCT conversation_key FROM inbox WHERE status = 'queued'",
    ),
  };
}

type InboxStatements = ReturnType<typeof prepareInboxStatements>;

/** Claims a conversation's queued rows as one turn: an unfinished turn's rows again, else every new row. */
function claimTurn(sql: InboxStatements, conversation: string, options: ClaimOptions): InboxRow[] {
  // Right after a takeover, rows still running are a dead holder's turn, which goes first ('queued' twice: not).
  const alsoRunning = options.isTakeover ? "running" : "queued";
  const unfinished = sql.selectUnfinishedTurn.get(alsoRunning, conversation) as { turn: string } | undefined;
  let records: InboxMessageRow[];
  if (unfinished) {
    records = sql.selectTurn.all(alsoRunning, conversation, unfinished.turn) as unknown as InboxMessageRow[];
    sql.markTurnRunning.run(alsoRunning, conversation, unfinished.turn);
  } else {
    const since = options.heldBehindSince ?? null;
    records = sql.selectNew.all(conversation, conversation, since) as unknown as InboxMessageRow[];
    if (records.length > 0) sql.markNewRunning.run(records[0]!.key, conversation, conversation, since);
  }
  return records.map((record) => ({ ...toInboxRow(record), status: "running" as const }));
}

/** Rows no live worker holds go back to the stages: running ones queued again, received ones returned. */
function recoverRows(sql: InboxStatements, held: HeldWork | undefined) {
  sql.requeue.run(JSON.stringify(held?.conversationKeys ?? []));
  const received = (sql.selectReceived.all(JSON.stringify(held?.messageKeys ?? []), held?.receivedBefore ?? Number.MAX_SAFE_INTEGER) as unknown as InboxMessageRow[]).map(toInboxRow);
  const queuedConversations = (sql.selectQueuedConversations.all() as { conversation_key: string }[]).map(
    (row) => row.conversation_key,
  );
  return { received, queuedConversations };
}

/** `durable`: the connection that commits with synchronous=FULL, for the inserts a platform's 2xx depends on. */
export function createSqliteInbox(database: DatabaseSync, durable: DatabaseSync = database): InboxStore {
  const sql = prepareInboxStatements(database, durable);
  // Group commit: the inserts of one event-loop turn share one transaction, so one fsync (synchronous=FULL)
  // covers every message that arrived together instead of blocking the loop once per message.
  let batch: { row: [string, string, string, number]; resolve(isNew: boolean): void; reject(error: unknown): void }[] = [];
  const commitBatch = () => {
    const pending = batch;
    batch = [];
    try {
      const results = inTransaction(durable, () => pending.map(({ row }) => sql.insert.run(...row).changes === 1));
      pending.forEach((entry, index) => entry.resolve(results[index]!));
    } catch (error) {
      for (const entry of pending) entry.reject(error);
    }
  };

  return {
    insert(message: InboundMessage, receivedAt: number) {
      // The raw platform payload can be large and is of no use after normalization: it is not kept.
      const { raw: _raw, ...kept } = message;
      const row: [string, string, string, number] = [
        inboxKey(channelOf(message.conversation), message.id),
        conversationKey(message.conversation),
        JSON.stringify(kept),
        receivedAt,
      ];
      return new Promise<boolean>((resolve, reject) => {
        batch.push({ row, resolve, reject });
        if (batch.length === 1) setImmediate(commitBatch);
      });
    },
    async updateMessage(key: string, message: InboundMessage) {
      const { raw: _raw, ...kept } = message;
      sql.setMessage.run(JSON.stringify(kept), key);
    },
    async setStatus(keys: readonly string[], status: InboxStatus) {
      inTransaction(database, () => {
        for (const key of keys) {
          if (status === "queued") sql.setQueued.run(key);
          else if (status === "done" || status === "ignored") sql.setFinished.run(status, key);
          else throw new Error(`inbox rows move to ${status} only by claim or recovery`);
        }
      });
    },
    async claimQueued(conversation: string, options: ClaimOptions = {}) {
      // Most claims after a turn find nothing: look before taking the write lock.
      if (sql.anyQueued.get(conversation) === undefined) return [];
      return inTransaction(database, () => claimTurn(sql, conversation, options));
    },
    async hasQueued(conversation: string, options: ClaimOptions = {}) {
      return sql.anyClaimable.get(conversation, conversation, options.heldBehindSince ?? null) !== undefined;
    },
    async countQueued() {
      return (sql.countQueued.get() as { n: number }).n;
    },
    async recover(held?: HeldWork) {
      return inTransaction(database, () => recoverRows(sql, held));
    },
  };
}
