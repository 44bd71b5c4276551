import { randomUUID } from "node:crypto";
import type { AdapterStateStore } from "../../core/store/store.ts";

/**
 * The req_id of each callback, by the id of the message it carried: WeCom binds a passive reply (a
 * stream) to it. One reply per callback, within a few minutes; after that answers are pushed to the chat
 * instead. Kept as adapter state (expiring with the window) and tagged with this adapter instance: a
 * req_id belongs to the connection that received it, so after a restart answers are pushed, as before.
 */
export interface ReplyContexts {
  remember(messageId: string, reqId: string): Promise<void>;
  /** The callback's req_id while it is unused and fresh. */
  peek(messageId: string | undefined): Promise<{ reqId: string; receivedAt: number } | undefined>;
  markUsed(messageId: string): Promise<void>;
}

interface Entry {
  reqId: string;
  receivedAt: number;
  isUsed: boolean;
  /** The adapter instance that received the callback. */
  instance: string;
}

const namespace = "wecom";

export function createReplyContexts(options: { state: AdapterStateStore; windowMs: number; now: () => number }): ReplyContexts {
  const { state, windowMs, now } = options;
  const instance = randomUUID();
  let prunedAt = 0;
  const keyOf = (messageId: string) => `req:${messageId}`;
  const entryOf = async (messageId: string) => {
    const entry = await state.get<Entry>(namespace, keyOf(messageId), now());
    return entry?.instance === instance ? entry : undefined;
  };
  return {
    async remember(messageId, reqId) {
      // A redelivered callback comes with a new req_id; a used one stays used (its answer exists).
      if ((await entryOf(messageId))?.isUsed) return;
      const receivedAt = now();
      await state.set(namespace, keyOf(messageId), { reqId, receivedAt, isUsed: false, instance } satisfies Entry, receivedAt + windowMs);
      if (receivedAt - prunedAt > windowMs) {
        prunedAt = receivedAt;
        await state.pruneExpired(receivedAt);
      }
    },
    async peek(messageId) {
      const entry = messageId === undefined ? undefined : await entryOf(messageId);
      if (!entry || entry.isUsed || now() - entry.receivedAt > windowMs) return undefined;
      return { reqId: entry.reqId, receivedAt: entry.receivedAt };
    },
    async markUsed(messageId) {
      const entry = await entryOf(messageId);
      if (entry) await state.set(namespace, keyOf(messageId), { ...entry, isUsed: true } satisfies Entry, entry.receivedAt + windowMs);
    },
  };
}
