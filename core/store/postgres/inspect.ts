import { createPool, nowMs, splitDatabaseUrl } from "./database.ts";
import { currentVersion, schemaVersion } from "./migrations.ts";

export interface DatabaseReport {
  version: number;
  latest: number;
  /** Live leases: what each process holds (conversations being answered, long connections). */
  leases: { key: string; holder: string; expiresInMs: number }[];
}

/** For `doctor`: reaches the database without changing it, reads the schema's version and who holds which lease. */
export async function inspectDatabase(url: string): Promise<DatabaseReport> {
  const pool = createPool(url, { max: 1 });
  try {
    const version = await currentVersion(pool, splitDatabaseUrl(url).schema);
    const leases =
      version === 0
        ? []
        : (
            await pool.query<{ key: string; holder: string; expires_in_ms: number }>(
              `SELECT key, holder, expires_at - ${nowMs} AS expires_in_ms FROM leases WHERE expires_at > ${nowMs} ORDER BY key`,
            )
          ).rows.map((row) => ({ key: row.key, holder: row.holder, expiresInMs: row.expires_in_ms }));
    return { version, latest: schemaVersion, leases };
  } finally {
    await pool.end();
  }
}
