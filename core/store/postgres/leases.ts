import type pg from "pg";
import type { LeaseStore } from "../store.ts";
import { nowMs } from "./database.ts";

/**
 * Takes the lease `key` for `holder` for `termMs` (SQL expressions: parameters) when nobody holds it or its term ran
 * out; a row comes back when it was taken (with `RETURNING`).
 */
export const takeLeaseSql = (key: string, holder: string, termMs: string) =>
  `INSERT INTO leases (key, holder, expires_at) VALUES (${key}, ${holder}, ${nowMs} + ${termMs})
   ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, stop_requested_at = NULL
   WHERE leases.expires_at <= ${nowMs}`;

/**
 * Leases timed by the database's clock, so every process agrees on expiry, with the `/stop` requests addressed to their
 * holders. Renewals go through `renewalPool`, connections of their own: a renewal never waits behind the message
 * traffic, whose queue can be longer than a lease under load (which would hand a live run's conversation to another
 * process). Taking and giving back a lease is message traffic: it shares the main pool.
 */
export function createPostgresLeases(pool: pg.Pool, renewalPool: pg.Pool = pool): LeaseStore {
  return {
    async acquire(key, holder, leaseMs) {
      const result = await pool.query(takeLeaseSql("$1", "$2", "$3"), [key, holder, Math.round(leaseMs)]);
      return result.rowCount === 1;
    },
    async renew(key, holder, leaseMs) {
      const result = await renewalPool.query(`UPDATE leases SET expires_at = ${nowMs} + $3 WHERE key = $1 AND holder = $2`, [key, holder, Math.round(leaseMs)]);
      return result.rowCount === 1;
    },
    async release(key, holder) {
      await pool.query("DELETE FROM leases WHERE key = $1 AND holder = $2", [key, holder]);
    },
    async holder(key) {
      const { rows } = await pool.query<{ holder: string }>(`SELECT holder FROM leases WHERE key = $1 AND expires_at > ${nowMs}`, [key]);
      return rows[0]?.holder;
    },
    async releaseAll() {
      return (await pool.query("DELETE FROM leases")).rowCount ?? 0;
    },
    async requestStop(key, requester) {
      const result = await pool.query(
        `UPDATE leases SET stop_requested_at = ${nowMs} WHERE key = $1 AND holder <> $2 AND expires_at > ${nowMs}`,
        [key, requester],
      );
      return result.rowCount === 1;
    },
    async takeStops(holder) {
      const { rows } = await pool.query<{ key: string }>(
        "UPDATE leases SET stop_requested_at = NULL WHERE holder = $1 AND stop_requested_at IS NOT NULL RETURNING key",
        [holder],
      );
      return rows.map((row) => row.key);
    },
  };
}
