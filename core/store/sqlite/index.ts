import { join } from "node:path";
import type { Store } from "../store.ts";
import { createSqliteAudit } from "./audit.ts";
import { openDatabase } from "./database.ts";
import { createSqliteInbox } from "./inbox.ts";
import { createSqliteOutbox } from "./outbox.ts";
import { createSqlitePairing } from "./pairing.ts";
import { createSqliteSessions } from "./sessions.ts";

/** The embedded store: one SQLite file, `pincer.db`, in the data directory (or `:memory:`). */
export function createSqliteStore(dataDir: string | ":memory:"): Store {
  const database = openDatabase(dataDir === ":memory:" ? dataDir : join(dataDir, "pincer.db"));
  return {
    inbox: createSqliteInbox(database),
    outbox: createSqliteOutbox(database),
    sessions: createSqliteSessions(database),
    audit: createSqliteAudit(database),
    pairing: createSqlitePairing(database),
    close: () => database.close(),
  };
}
