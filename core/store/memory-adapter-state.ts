import type { AdapterStateStore } from "./store.ts";

/** Adapter state for one process that keeps nothing across restarts (tests, an adapter built without a store). */
export function createMemoryAdapterState(): AdapterStateStore {
  const values = new Map<string, { json: string; expiresAt: number | undefined }>();
  const id = (namespace: string, key: string) => JSON.stringify([namespace, key]);
  return {
    async get<T>(namespace: string, key: string, now: number) {
      const entry = values.get(id(namespace, key));
      if (!entry || (entry.expiresAt !== undefined && entry.expiresAt <= now)) return undefined;
      return JSON.parse(entry.json) as T;
    },
    async set(namespace, key, value, expiresAt) {
      values.set(id(namespace, key), { json: JSON.stringify(value), expiresAt });
    },
    async delete(namespace, key) {
      values.delete(id(namespace, key));
    },
    async pruneExpired(now) {
      let count = 0;
      for (const [name, entry] of values) {
        if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
          values.delete(name);
          count += 1;
        }
      }
      return count;
    },
  };
}
