import type { AdapterStateStore } from "../../core/store/store.ts";
import type { PlatformKey } from "./platforms.ts";

/** A channel added from the setup page: kept in the store (adapter state), started again at each start. */
export interface StoredChannel {
  id: string;
  platform: PlatformKey;
  /** Its variables, as the environment would give them (credentials included: the store is as private as `.env`). */
  env: Record<string, string>;
  addedAt: number;
}

const namespace = "setup";
const key = "channels";

/** The setup page's channels, one list under one key of the adapter state (both stores have it; no migration). */
export function createStoredChannels(state: AdapterStateStore) {
  return {
    list: async (): Promise<StoredChannel[]> => (await state.get<StoredChannel[]>(namespace, key, Date.now())) ?? [],
    async put(channel: StoredChannel): Promise<void> {
      const others = (await this.list()).filter((each) => each.id !== channel.id);
      await state.set(namespace, key, [...others, channel]);
    },
    async remove(id: string): Promise<boolean> {
      const all = await this.list();
      const kept = all.filter((each) => each.id !== id);
      if (kept.length === all.length) return false;
      await state.set(namespace, key, kept);
      return true;
    },
  };
}
export type StoredChannels = ReturnType<typeof createStoredChannels>;
