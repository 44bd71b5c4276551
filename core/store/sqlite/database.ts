import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { migrate } from "./migrations.ts";

/** The longest a statement blocks the event loop waiting for another connection's lock; then busy.ts retries. */
export const lockWaitMs = 10;

export interface DatabaseOptions {
  /** `FULL` by default (an fsync per commit); the store opens its main connection with `NORMAL`. */
  synchronous?: "FULL" | "NORMAL";
}

/**
 * The data directory readable by its owner only (0700) and the database file 0600, created so before SQLite
 * opens it (its -wal and -shm files take the database's mode). An existing directory loses its group and other bits.
 */
function makePrivate(path: string): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, statSync(dir).mode & 0o700);
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
  for (const suffix of ["-wal", "-shm"]) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
}

export function openDatabase(path: string, options: DatabaseOptions = {}): DatabaseSync {
  if (path !== ":memory:") makePrivate(path);
  const database = new DatabaseSync(path);
  // WAL lets the CLI (`pincer pairing approve`) write while the gateway runs. NORMAL survives a crash of the
  // process; FULL also a power cut, at the price of an fsync per commit that blocks the event loop.
  // Start-up may wait for a lock; afterwards a lock wait is a few ms here and retried asynchronously (busy.ts).
  database.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = ${options.synchronous ?? "FULL"}; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;`);
  migrate(database);
  database.exec(`PRAGMA busy_timeout = ${lockWaitMs}`);
  return database;
}

export function inTransaction<T>(database: DatabaseSync, work: () => T): T {
  database.exec("BEGIN IMMEDIATE");
  try {
    const result = work();
    database.exec("COMMIT");
    return result;
  } catch (error) {
    database.exec("ROLLBACK");
    throw error;
  }
}
