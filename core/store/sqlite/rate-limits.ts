import type { DatabaseSync } from "node:sqlite";
import type { RateLimits } from "../store.ts";
import { inTransaction } from "./database.ts";

/**
 * Rolling-window counters in one SQLite file. Each take reads and writes its key's row inside `BEGIN IMMEDIATE`,
 * which holds the file's write lock throughout, so two processes on the file never both take the last slot.
 */
export function createSqliteRateLimits(database: DatabaseSync, now: () => number = Date.now): RateLimits {
  const select = database.prepare("SELECT times FROM rate_limits WHERE key = ?");
  const upsert = database.prepare("INSERT INTO rate_limits (key, times) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET times = excluded.times");
  return {
    async take(key, limit, windowMs) {
      return inTransaction(database, () => {
        const at = now();
        const row = select.get(key) as { times: string } | undefined;
        const recent = row ? (JSON.parse(row.times) as number[]).filter((time) => time > at - windowMs) : [];
        if (recent.length >= limit) return false;
        upsert.run(key, JSON.stringify([...recent, at]));
        return true;
      });
    },
  };
}
