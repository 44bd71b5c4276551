import type { DatabaseSync } from "node:sqlite";
import type { LeaseStore } from "../store.ts";

/** The database's clock in epoch ms: every process on the file reads the same time (PostgreSQL: `now()`). */
const nowMs = "CAST(unixepoch('subsec') * 1000 AS INTEGER)";

/** Leases on conversations, timed by the database's clock, with the `/stop` requests addressed to their holders. */
export function createSqliteLeases(database: DatabaseSync): LeaseStore {
  const acquire = database.prepare(
    `INSERT INTO leases (key, holder, expires_at) VALUES (?, ?, ${nowMs} + ?)
     ON CONFLICT (key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, stop_requested_at = NULL
     WHERE leases.expires_at <= ${nowMs}`,
  );
  const renew = database.prepare(`UPDATE leases SET expires_at = ${nowMs} + ? WHERE key = ? AND holder = ?`);
  const release = database.prepare("DELETE FROM leases WHERE key = ? AND holder = ?");
  const holder = database.prepare(`SELECT holder FROM leases WHERE key = ? AND expires_at > ${nowMs}`);
  const releaseAll = database.prepare("DELETE FROM leases");
  const requestStop = database.prepare(
    `UPDATE leases SET stop_requested_at = ${nowMs} WHERE key = ? AND holder <> ? AND expires_at > ${nowMs}`,
  );
  const takeStops = database.prepare(
    "UPDATE leases SET stop_requested_at = NULL WHERE holder = ? AND stop_requested_at IS NOT NULL RETURNING key",
  );

  return {
    async acquire(key, holderId, leaseMs) {
      return acquire.run(key, holderId, leaseMs).changes === 1;
    },
    async renew(key, holderId, leaseMs) {
      return renew.run(leaseMs, key, holderId).changes === 1;
    },
    async release(key, holderId) {
      release.run(key, holderId);
    },
    async holder(key) {
      return (holder.get(key) as { holder: string } | undefined)?.holder;
    },
    async releaseAll() {
      return Number(releaseAll.run().changes);
    },
    async requestStop(key, requester) {
      return requestStop.run(key, requester).changes === 1;
    },
    async takeStops(holderId) {
      return (takeStops.all(holderId) as { key: string }[]).map((row) => row.key);
    },
  };
}
