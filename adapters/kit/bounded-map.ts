/**
 * A bounded memory of recent keys, the oldest dropped first: for caches an adapter keeps (ids it sent,
 * messages whose media may be fetched), never for the source of truth, which is the store.
 */
export function createBoundedMap<V>(maxEntries: number) {
  const entries = new Map<string, V>();
  return {
    set(key: string, value: V) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get: (key: string): V | undefined => entries.get(key),
    has: (key: string): boolean => entries.has(key),
    get size() {
      return entries.size;
    },
  };
}
