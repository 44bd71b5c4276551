/** A queue that one side fills and the other awaits, for events produced while tools run concurrently. */
export function createAsyncQueue<T>() {
  const items: T[] = [];
  let wake: (() => void) | undefined;
  return {
    push(item: T) {
      items.push(item);
      wake?.();
    },
    /** Resolves when an item is available (or at once if one is). */
    ready(): Promise<void> {
      if (items.length > 0) return Promise.resolve();
      return new Promise((resolve) => {
        wake = () => {
          wake = undefined;
          resolve();
        };
      });
    },
    drain(): T[] {
      return items.splice(0);
    },
  };
}
