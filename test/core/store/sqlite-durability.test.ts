import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { afterEach, describe, expect, it, vi } from "vitest";
import { lockWaitMs, openDatabase } from "../../../core/store/sqlite/database.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import { directChat, message } from "../fixtures.ts";

// The real openDatabase, watched: which connections the store opens, and what each one wrote.
vi.mock("../../../core/store/sqlite/database.ts", async (importOriginal) => {
  const real = await importOriginal<typeof import("../../../core/store/sqlite/database.ts")>();
  return { ...real, openDatabase: vi.fn(real.openDatabase) };
});

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the SQLite store's commits", () => {
  it("inserts inbox rows through a synchronous = FULL connection, so an acknowledged message survives a power cut", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pincer-durable-"));
    dirs.push(dir);
    vi.mocked(openDatabase).mockClear();
    const store = createSqliteStore(dir);
    try {
      const connections = vi.mocked(openDatabase).mock.results.map((result) => result.value as DatabaseSync);
      const pragma = (database: DatabaseSync, sql: string) => Object.values(database.prepare(sql).get()!)[0];
      const changes = () => connections.map((database) => pragma(database, "SELECT total_changes()"));
      expect(connections.map((database) => pragma(database, "PRAGMA busy_timeout"))).toEqual([lockWaitMs, lockWaitMs]);
      const before = changes();
      await store.inbox.insert(message({ id: "acknowledged" }), 0);
      const wroteInsert = connections.filter((_, index) => changes()[index] !== before[index]);
      expect(wroteInsert.map((database) => pragma(database, "PRAGMA synchronous"))).toEqual([2]);
      // Everything else (replies, sessions, the audit log) commits with NORMAL: no fsync per commit.
      await store.contacts.remember("telegram:1", directChat, 0);
      const wroteContact = connections.filter((database) => !wroteInsert.includes(database) && pragma(database, "SELECT total_changes()") !== 0);
      expect(wroteContact.map((database) => pragma(database, "PRAGMA synchronous"))).toEqual([1]);
    } finally {
      store.close();
    }
  });

  it("commits the inserts that arrive together in one transaction, and still tells each duplicate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pincer-durable-"));
    dirs.push(dir);
    const store = createSqliteStore(dir);
    try {
      const inserted = await Promise.all(["a", "b", "a", "c", "b"].map((id) => store.inbox.insert(message({ id }), 0)));
      expect(inserted).toEqual([true, true, false, true, false]);
      expect(await store.inbox.insert(message({ id: "c" }), 1)).toBe(false);
      expect((await store.inbox.recover()).received.map((row) => row.message.id)).toEqual(["a", "b", "c"]);
    } finally {
      store.close();
    }
  });
});
