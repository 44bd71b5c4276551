/**
 * The req_id of each callback, by the id of the message it carried: WeCom binds a passive reply (a
 * stream) to it. One reply per callback, within a few minutes; after that, or after a restart (the map
 * lives in memory), answers are pushed to the chat instead. Bounded: the oldest entries go first.
 */
export interface ReplyContexts {
  remember(messageId: string, reqId: string): void;
  /** The callback's req_id while it is unused and fresh. */
  peek(messageId: string | undefined): { reqId: string; receivedAt: number } | undefined;
  markUsed(messageId: string): void;
}

export function createReplyContexts(options: { maxEntries: number; windowMs: number; now: () => number }): ReplyContexts {
  const entries = new Map<string, { reqId: string; receivedAt: number; isUsed: boolean }>();
  return {
    remember(messageId, reqId) {
      const existing = entries.get(messageId);
      // A redelivered callback comes with a new req_id; a used one stays used (its answer exists).
      if (existing?.isUsed) return;
      entries.delete(messageId);
      entries.set(messageId, { reqId, receivedAt: options.now(), isUsed: false });
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
    },
    peek(messageId) {
      const entry = messageId === undefined ? undefined : entries.get(messageId);
      if (!entry || entry.isUsed || options.now() - entry.receivedAt > options.windowMs) return undefined;
      return { reqId: entry.reqId, receivedAt: entry.receivedAt };
    },
    markUsed(messageId) {
      const entry = entries.get(messageId);
      if (entry) entry.isUsed = true;
    },
  };
}
