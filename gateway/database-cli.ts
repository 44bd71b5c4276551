import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../core/config.ts";
import { createPool, splitDatabaseUrl } from "../core/store/postgres/database.ts";
import { importSqlite } from "../core/store/postgres/import-sqlite.ts";
import { inspectDatabase } from "../core/store/postgres/inspect.ts";
import { migrate, schemaVersion } from "../core/store/postgres/migrations.ts";
import { openDatabase } from "../core/store/sqlite/database.ts";
import { BridgeError } from "../core/types/errors.ts";

function databaseUrl(config: Pick<Config, "databaseUrl">): string {
  if (!config.databaseUrl) throw new BridgeError("config", "DATABASE_URL: required for this command (postgres://user:password@host:5432/database)");
  return config.databaseUrl;
}

/** `pincer migrate`: brings the PostgreSQL schema up to date (start-up does it too); returns what it did, in words. */
export async function migrateCommand(config: Pick<Config, "databaseUrl">): Promise<string> {
  const pool = createPool(databaseUrl(config), { max: 1 });
  try {
    const applied = await migrate(pool, splitDatabaseUrl(databaseUrl(config)).schema);
    return applied.length === 0 ? `The schema is up to date (version ${schemaVersion}).` : `Applied migration ${applied.join(", ")}; the schema is at version ${schemaVersion}.`;
  } finally {
    await pool.end();
  }
}

/** `pincer import-sqlite <path>`: copies a SQLite store (a `pincer.db`, or the DATA_DIR holding one) into an empty PostgreSQL store. */
export async function importSqliteCommand(config: Pick<Config, "databaseUrl">, path: string): Promise<string> {
  const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "pincer.db") : path;
  if (!existsSync(file)) throw new BridgeError("config", `import-sqlite: there is no SQLite store at ${file}`);
  const pool = createPool(databaseUrl(config), { max: 1 });
  // Opening it brings an older SQLite schema up to date first, as starting that Pincer would.
  const source = openDatabase(file);
  try {
    await migrate(pool, splitDatabaseUrl(databaseUrl(config)).schema);
    const counts = await importSqlite(source, pool);
    return `Imported ${file}: ${Object.entries(counts).map(([table, count]) => `${table} ${count}`).join(", ")}.`;
  } finally {
    source.close();
    await pool.end();
  }
}

/** `doctor`'s database line: reachable, migrated, and which process holds which lease. */
export async function describeDatabase(url: string): Promise<string> {
  const report = await inspectDatabase(url);
  if (report.version < report.latest) {
    throw new BridgeError("config", `reached; the schema is at version ${report.version} of ${report.latest}: run \`npm run pincer -- migrate\` (or start Pincer)`);
  }
  const held = report.leases.map((lease) => `${lease.key} by ${lease.holder}`);
  return `PostgreSQL reached, schema version ${report.version}; ${held.length === 0 ? "no lease held" : `leases: ${held.join(", ")}`}`;
}
