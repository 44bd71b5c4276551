/**
 * The last messages that carried media, by id, so `fetchMedia` finds them without asking the
 * puppet. Bounded: the oldest is dropped first; older ones are loaded from the puppet's cache.
 */
export function createRecentMessages<T>(maxEntries: number) {
  const entries = new Map<string, T>();
  return {
    add(id: string, value: T) {
      entries.delete(id);
      entries.set(id, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
    get: (id: string): T | undefined => entries.get(id),
    get size() {
      return entries.size;
    },
  };
}
