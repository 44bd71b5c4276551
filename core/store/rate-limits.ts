/**
 * Counters shared by the processes on one store: at most `limit` takes of a key in any rolling window, counted
 * by the store's clock. Keys are meant to be few and long-lived (an account, a channel): a key's record keeps
 * only the takes still inside its window, at most `limit` of them.
 */
export interface RateLimits {
  /**
   * Counts a take of `key` and returns true when fewer than `limit` takes happened in the last `windowMs`;
   * otherwise returns false and counts nothing. Exact when processes take at once: never more than `limit` trues.
   */
  take(key: string, limit: number, windowMs: number): Promise<boolean>;
}
