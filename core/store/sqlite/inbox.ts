import type { DatabaseSync } from "node:sqlite";
import { conversationKey } from "../../types/conversation.ts";
import type { InboundMessage } from "../../types/message.ts";
import { inboxKey, type HeldWork, type InboxRow, type InboxStatus, type InboxStore } from "../store.ts";
import { inTransaction } from "./database.ts";

interface InboxRecord {
  key: string;
  conversation_key: string;
  message: string;
  status: string;
  received_at: number;
}

function toRow(record: InboxRecord): InboxRow {
  return {
    key: record.key,
    conversationKey: record.conversation_key,
    message: JSON.parse(record.message) as InboundMessage,
    status: record.status as InboxStatus,
    receivedAt: record.received_at,
  };
}

/** `durable`: the connection that commits with synchronous=FULL, for the inserts a platform's 2xx depends on. */
export function createSqliteInbox(database: DatabaseSync, durable: DatabaseSync = database): InboxStore {
  const insert = durable.prepare(
    "INSERT INTO inbox (key, conversation_key, message, status, received_at) VALUES (?, ?, ?, 'received', ?) ON CONFLICT (key) DO NOTHING",
  );
  // Forward only: a late or repeated transition (a message processed twice) cannot put a row back.
  const setQueued = database.prepare("UPDATE inbox SET status = 'queued' WHERE key = ? AND status = 'received'");
  const setFinished = database.prepare("UPDATE inbox SET status = ? WHERE key = ? AND status IN ('received', 'queued', 'running')");
  const setMessage = database.prepare("UPDATE inbox SET message = ? WHERE key = ?");
  const selectUnfinishedTurn = database.prepare(
    "SELECT turn FROM inbox WHERE status IN ('queued', ?) AND conversation_key = ? AND turn IS NOT NULL ORDER BY seq LIMIT 1",
  );
  const selectTurn = database.prepare(
    "SELECT * FROM inbox WHERE status IN ('queued', ?) AND conversation_key = ? AND turn = ? ORDER BY seq",
  );
  const markTurnRunning = database.prepare(
    "UPDATE inbox SET status = 'running' WHERE status IN ('queued', ?) AND conversation_key = ? AND turn = ?",
  );
  // Queued rows behind an older message still being taken in wait for it (ClaimOptions.heldBehindSince).
  const heldBehind = "coalesce((SELECT min(seq) FROM inbox AS r WHERE r.status = 'received' AND r.conversation_key = ? AND r.received_at > ?), 9223372036854775807)";
  const selectNew = database.prepare(
    `SELECT * FROM inbox WHERE status = 'queued' AND conversation_key = ? AND turn IS NULL AND seq < ${heldBehind} ORDER BY seq`,
  );
  const markNewRunning = database.prepare(
    `UPDATE inbox SET status = 'running', turn = ? WHERE status = 'queued' AND conversation_key = ? AND turn IS NULL AND seq < ${heldBehind}`,
  );
  const anyClaimable = database.prepare(
    `SELECT 1 FROM inbox WHERE status = 'queued' AND conversation_key = ? AND (turn IS NOT NULL OR seq < ${heldBehind}) LIMIT 1`,
  );
  const countQueued = database.prepare("SELECT count(*) AS n FROM inbox WHERE status = 'queued'");
  const anyQueued = database.prepare("SELECT 1 FROM inbox WHERE status = 'queued' AND conversation_key = ? LIMIT 1");
  const requeue = database.prepare(
    "UPDATE inbox SET status = 'queued' WHERE status = 'running' AND conversation_key NOT IN (SELECT value FROM json_each(?))",
  );
  const selectReceived = database.prepare(
    "SELECT * FROM inbox WHERE status = 'received' AND key NOT IN (SELECT value FROM json_each(?)) AND received_at < ? ORDER BY seq",
  );
  const selectQueuedConversations = database.prepare(
    "SELECT DISTINCT conversation_key FROM inbox WHERE status = 'queued'",
  );

  // Group commit: the inserts of one event-loop turn share one transaction, so one fsync (synchronous=FULL)
  // covers every message that arrived together instead of blocking the loop once per message.
  let batch: { row: [string, string, string, number]; resolve(isNew: boolean): void; reject(error: unknown): void }[] = [];
  const commitBatch = () => {
    const pending = batch;
    batch = [];
    try {
      const results = inTransaction(durable, () => pending.map(({ row }) => insert.run(...row).changes === 1));
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
        inboxKey(message.conversation.platform, message.id),
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
      setMessage.run(JSON.stringify(kept), key);
    },
    async setStatus(keys: readonly string[], status: InboxStatus) {
      inTransaction(database, () => {
        for (const key of keys) {
          if (status === "queued") setQueued.run(key);
          else if (status === "done" || status === "ignored") setFinished.run(status, key);
          else throw new Error(`inbox rows move to ${status} only by claim or recovery`);
        }
      });
    },
    async claimQueued(conversation: string, options = {}) {
      // Most claims after a turn find nothing: look before taking the write lock.
      if (anyQueued.get(conversation) === undefined) return [];
      // Right after a takeover, rows still running are a dead holder's turn, which goes first ('queued' twice: not).
      const alsoRunning = options.isTakeover ? "running" : "queued";
      return inTransaction(database, () => {
        const unfinished = selectUnfinishedTurn.get(alsoRunning, conversation) as { turn: string } | undefined;
        let records: InboxRecord[];
        if (unfinished) {
          records = selectTurn.all(alsoRunning, conversation, unfinished.turn) as unknown as InboxRecord[];
          markTurnRunning.run(alsoRunning, conversation, unfinished.turn);
        } else {
          const since = options.heldBehindSince ?? null;
          records = selectNew.all(conversation, conversation, since) as unknown as InboxRecord[];
          if (records.length > 0) markNewRunning.run(records[0]!.key, conversation, conversation, since);
        }
        return records.map((record) => ({ ...toRow(record), status: "running" as const }));
      });
    },
    async hasQueued(conversation: string, options = {}) {
      return anyClaimable.get(conversation, conversation, options.heldBehindSince ?? null) !== undefined;
    },
    async countQueued() {
      return (countQueued.get() as { n: number }).n;
    },
    async recover(held?: HeldWork) {
      return inTransaction(database, () => {
        requeue.run(JSON.stringify(held?.conversationKeys ?? []));
        const received = (selectReceived.all(JSON.stringify(held?.messageKeys ?? []), held?.receivedBefore ?? Number.MAX_SAFE_INTEGER) as unknown as InboxRecord[]).map(toRow);
        const queuedConversations = (selectQueuedConversations.all() as { conversation_key: string }[]).map(
          (row) => row.conversation_key,
        );
        return { received, queuedConversations };
      });
    },
  };
}
