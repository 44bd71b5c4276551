/**
 * Publish/subscribe between the gateway processes that share a store: what one process publishes on a topic, every
 * subscriber to that topic in every process receives (the publishing process's own subscribers included), in the
 * order each process published. At most once: a subscriber that was disconnected misses what was published meanwhile.
 * In-process for SQLite (one process), LISTEN/NOTIFY for PostgreSQL: no second broker.
 */
export interface Broadcast {
  /** Resolves once the payload is on its way to every process (for PostgreSQL: the NOTIFY committed). */
  publish(topic: string, payload: string): Promise<void>;
  /** Calls `handler` with each payload published on `topic` from now on; returns the unsubscribe. */
  subscribe(topic: string, handler: (payload: string) => void): () => void;
  /** Resolves once what was subscribed so far hears other processes (PostgreSQL: the LISTEN is in place). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/** Subscribers by topic, each handler's failure kept from the others. */
export function createTopicHandlers(onError: (error: unknown) => void = () => {}) {
  const handlers = new Map<string, Set<(payload: string) => void>>();
  return {
    add(topic: string, handler: (payload: string) => void): () => void {
      const set = handlers.get(topic) ?? new Set();
      set.add(handler);
      handlers.set(topic, set);
      return () => {
        set.delete(handler);
        if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic);
      };
    },
    deliver(topic: string, payload: string) {
      for (const handler of [...(handlers.get(topic) ?? [])]) {
        try {
          handler(payload);
        } catch (error) {
          onError(error);
        }
      }
    },
    get size() {
      return handlers.size;
    },
  };
}

/** One process: a payload reaches this process's subscribers, synchronously. */
export function createLocalBroadcast(): Broadcast {
  const handlers = createTopicHandlers();
  return {
    async publish(topic, payload) {
      handlers.deliver(topic, payload);
    },
    subscribe: (topic, handler) => handlers.add(topic, handler),
    async ready() {},
    async close() {},
  };
}

/**
 * A subscription held only while this process has something that waits for the topic (runs going, requests
 * waiting): `setNeeded(true)` subscribes once, `setNeeded(false)` lets go. Without a broadcast it does nothing.
 */
export function createNeededSubscription(broadcast: Broadcast | undefined, topic: string, handler: (payload: string) => void) {
  let unsubscribe: (() => void) | undefined;
  return {
    setNeeded(isNeeded: boolean): void {
      if (!broadcast) return;
      if (isNeeded && !unsubscribe) unsubscribe = broadcast.subscribe(topic, handler);
      if (!isNeeded && unsubscribe) {
        unsubscribe();
        unsubscribe = undefined;
      }
    },
  };
}
