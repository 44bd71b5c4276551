import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import type { Step } from "./outbound.ts";
import type { ReplyWindow } from "./reply-window.ts";

export interface ParkedStep {
  id: number;
  userId: string;
  step: Step;
  parkedAt: number;
}

/**
 * What ClawBot needs to survive a restart, in `${dataDir}/weixin/state.db` (node:sqlite, WAL):
 * the getupdates cursor, each user's reply window, and the parked reply steps. Every write is one
 * SQLite statement, so it is atomic.
 */
export function openWindowStore(dataDir: string) {
  const dir = join(dataDir, "weixin");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const database = new DatabaseSync(join(dir, "state.db"));
  database.exec(`
    PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS cursor (id INTEGER PRIMARY KEY CHECK (id = 1), value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS windows (user_id TEXT PRIMARY KEY, context_token TEXT NOT NULL, opened_at INTEGER NOT NULL, sends_used INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS parked (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id TEXT NOT NULL, step TEXT NOT NULL, parked_at INTEGER NOT NULL, delivered_at INTEGER);
    CREATE INDEX IF NOT EXISTS parked_waiting ON parked (user_id, id) WHERE delivered_at IS NULL;
  `);
  const statements = {
    cursor: database.prepare("SELECT value FROM cursor WHERE id = 1"),
    saveCursor: database.prepare("INSERT INTO cursor (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value"),
    window: database.prepare("SELECT context_token, opened_at, sends_used FROM windows WHERE user_id = ?"),
    saveWindow: database.prepare(
      "INSERT INTO windows (user_id, context_token, opened_at, sends_used) VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET context_token = excluded.context_token, opened_at = excluded.opened_at, sends_used = excluded.sends_used",
    ),
    park: database.prepare("INSERT INTO parked (user_id, step, parked_at) VALUES (?, ?, ?)"),
    parked: database.prepare("SELECT id, user_id, step, parked_at FROM parked WHERE user_id = ? AND delivered_at IS NULL ORDER BY id"),
    countParked: database.prepare("SELECT count(*) AS n FROM parked WHERE user_id = ? AND delivered_at IS NULL"),
    delivered: database.prepare("UPDATE parked SET delivered_at = ? WHERE id = ?"),
  };

  return {
    cursor(): string {
      const row = statements.cursor.get() as { value: string } | undefined;
      return row?.value ?? "";
    },
    saveCursor(value: string): void {
      statements.saveCursor.run(value);
    },
    window(userId: string): ReplyWindow | undefined {
      const row = statements.window.get(userId) as { context_token: string; opened_at: number; sends_used: number } | undefined;
      return row && { contextToken: row.context_token, openedAt: Number(row.opened_at), sendsUsed: Number(row.sends_used) };
    },
    saveWindow(userId: string, window: ReplyWindow): void {
      statements.saveWindow.run(userId, window.contextToken, window.openedAt, window.sendsUsed);
    },
    park(userId: string, step: Step, now: number): number {
      return Number(statements.park.run(userId, JSON.stringify(step), now).lastInsertRowid);
    },
    parked(userId: string): ParkedStep[] {
      return (statements.parked.all(userId) as { id: number; user_id: string; step: string; parked_at: number }[]).map((row) => ({
        id: Number(row.id),
        userId: row.user_id,
        step: JSON.parse(row.step) as Step,
        parkedAt: Number(row.parked_at),
      }));
    },
    hasParked(userId: string): boolean {
      return Number((statements.countParked.get(userId) as { n: number }).n) > 0;
    },
    markDelivered(id: number, now: number): void {
      statements.delivered.run(now, id);
    },
    close(): void {
      database.close();
    },
  };
}

export type WindowStore = ReturnType<typeof openWindowStore>;
