import type { Config } from "../core/config.ts";
import { createPostgresStore } from "../core/store/postgres/index.ts";
import { createSqliteStore, type StoreOptions } from "../core/store/sqlite/index.ts";
import type { Store } from "../core/store/store.ts";

/** The store `DATABASE_URL` selects: PostgreSQL (migrated, shared by every process on it), or SQLite in DATA_DIR. */
export async function openStore(config: Pick<Config, "dataDir" | "databaseUrl" | "databasePoolSize">, options: StoreOptions = {}): Promise<Store> {
  if (config.databaseUrl) return createPostgresStore(config.databaseUrl, { max: config.databasePoolSize });
  return createSqliteStore(config.dataDir, options);
}
