import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import { message } from "../fixtures.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Another process that takes the write lock, says "locked", keeps it for `holdMs`, then commits. */
const lockHolder = `
const { DatabaseSync } = require("node:sqlite");
const database = new DatabaseSync(process.argv[1]);
database.exec("BEGIN IMMEDIATE; INSERT INTO contacts (user_ref, conversation, updated_at) VALUES ('cli:x', '{}', 0);");
process.stdout.write("locked\\n");
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2]));
database.exec("COMMIT");
`;

describe("the SQLite store while another process holds the write lock", () => {
  it("keeps the event loop running and writes once the lock is released", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pincer-lock-"));
    dirs.push(dir);
    const store = createSqliteStore(dir);
    try {
      const holder = spawn(process.execPath, ["-e", lockHolder, join(dir, "pincer.db"), "2000"], { stdio: ["ignore", "pipe", "inherit"] });
      const exited = once(holder, "exit");
      await once(holder.stdout, "data");

      let ticks = 0;
      const ticker = setInterval(() => (ticks += 1), 50);
      const isInserted = await store.inbox.insert(message({ id: "during-lock" }), Date.now()).finally(() => clearInterval(ticker));
      expect(isInserted).toBe(true);
      // A synchronous wait for the lock would have let no timer fire until the insert returned.
      expect(ticks).toBeGreaterThanOrEqual(3);
      await exited;
      expect(await store.contacts.find("cli:x")).toBeDefined();
    } finally {
      store.close();
    }
  }, 20_000);
});

describe("the SQLite connection", () => {
  it("keeps the data directory 0700 and the database files 0600, also when they were created open", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "pincer-modes-")), "data");
    dirs.push(dirname(dir));
    const modeOf = (path: string) => statSync(path).mode & 0o777;
    const store = createSqliteStore(dir);
    await store.inbox.insert(message({ id: "1" }), 0);
    expect(modeOf(join(dir, "pincer.db-wal"))).toBe(0o600);
    store.close();
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(join(dir, "pincer.db"))).toBe(0o600);
    chmodSync(dir, 0o755);
    chmodSync(join(dir, "pincer.db"), 0o644);
    const again = createSqliteStore(dir);
    again.close();
    expect([modeOf(dir), modeOf(join(dir, "pincer.db"))]).toEqual([0o700, 0o600]);
  });

});
