import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { StoreFactory } from "../core/store/contract/factory.ts";

/** SQLite: a file in a temporary directory; "another process" is a second store on the same file. */
export function sqliteFactory(): StoreFactory {
  let dir: string | undefined;
  const opened: Store[] = [];
  const openOn = (path: string) => {
    const store = createSqliteStore(path);
    opened.push(store);
    return store;
  };
  return {
    async open() {
      dir = mkdtempSync(join(tmpdir(), "pincer-contract-"));
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
  };
}

