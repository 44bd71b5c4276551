import type pg from "pg";
import type { RateLimits } from "../store.ts";
import { nowMs } from "./database.ts";

/**
 * Rolling-window counters in one statement. On a conflict, `DO UPDATE` locks the key's row and sees its latest
 * version, so processes taking at once are counted one after the other and never both take the last slot. The
 * proposed row carries the take's time (`excluded.times[1]`), read once from the database's clock.
 */
const take = `
  INSERT INTO rate_limits AS r (key, times)
  SELECT $1, ARRAY[${nowMs}] WHERE $2::bigint > 0
  ON CONFLICT (key) DO UPDATE
    SET times = ARRAY(SELECT t FROM unnest(r.times) AS t WHERE t > excluded.times[1] - $3::bigint ORDER BY t) || excluded.times[1]
    WHERE (SELECT count(*) FROM unnest(r.times) AS t WHERE t > excluded.times[1] - $3::bigint) < $2::bigint
  RETURNING key`;

export function createPostgresRateLimits(pool: pg.Pool): RateLimits {
  return {
    async take(key, limit, windowMs) {
      const result = await pool.query(take, [key, Math.floor(limit), Math.round(windowMs)]);
      return result.rowCount === 1;
    },
  };
}
