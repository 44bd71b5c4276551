import type { AdapterStateStore } from "../../core/store/store.ts";
import type { Logger } from "../../core/types/logger.ts";

/** When each channel last took a message in: a channel that went quiet shows on the overview. */
export interface ChannelActivity {
  /** A message came in on `channelId` now. */
  touch(channelId: string): void;
  /** The last time each channel took a message in, from this process or (within `persistEveryMs`) any other. */
  lastEventAt(channelIds: readonly string[]): Promise<Record<string, number | undefined>>;
}

const namespace = "console";
const keyOf = (channelId: string) => `last-event:${channelId}`;

/**
 * Kept in memory for this process and written to the store at most once per `persistEveryMs` per channel (not once
 * per message: the inbox's hot path keeps its round trips), so it survives restarts and is shared by processes.
 */
export function createChannelActivity(deps: { state: AdapterStateStore; logger: Logger; now?: () => number; persistEveryMs?: number }): ChannelActivity {
  const now = deps.now ?? Date.now;
  const persistEveryMs = deps.persistEveryMs ?? 30_000;
  const seen = new Map<string, number>();
  const persistedAt = new Map<string, number>();
  return {
    touch(channelId) {
      const at = now();
      seen.set(channelId, at);
      if (at - (persistedAt.get(channelId) ?? 0) < persistEveryMs) return;
      persistedAt.set(channelId, at);
      deps.state.set(namespace, keyOf(channelId), at).catch((error: unknown) => deps.logger.warn({ err: error, channel: channelId }, "could not record the channel's last event"));
    },
    async lastEventAt(channelIds) {
      const entries = await Promise.all(
        channelIds.map(async (id) => {
          const stored = await deps.state.get<number>(namespace, keyOf(id), now());
          const times = [seen.get(id), stored].filter((at): at is number => typeof at === "number");
          return [id, times.length > 0 ? Math.max(...times) : undefined] as const;
        }),
      );
      return Object.fromEntries(entries);
    },
  };
}
