import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import { describeFileHandover } from "../support/file-handover.ts";

// Two processes on one SQLite file stand in for two gateway processes on one shared store.
let dir: string | undefined;
const opened: Store[] = [];
const openOn = (path: string) => {
  const store = createSqliteStore(path);
  opened.push(store);
  return store;
};

describeFileHandover("sqlite", {
  async open() {
    dir = mkdtempSync(join(tmpdir(), "pincer-handover-"));
    return openOn(dir);
  },
  async openAnother() {
    return openOn(dir!);
  },
  async cleanup() {
    for (const store of opened.splice(0)) store.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  },
});
