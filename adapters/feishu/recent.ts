/** A bounded memory of recent keys (oldest dropped first): a cache, never the source of truth. */
export function createRecent<V>(maxSize: number) {
  const entries = new Map<string, V>();
  return {
    set(key: string, value: V) {
      entries.delete(key);
      entries.set(key, value);
      if (entries.size > maxSize) entries.delete(entries.keys().next().value!);
    },
    get: (key: string): V | undefined => entries.get(key),
    has: (key: string): boolean => entries.has(key),
  };
}
