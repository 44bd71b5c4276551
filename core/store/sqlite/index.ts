import { join } from "node:path";
import type { Store } from "../store.ts";
import { createSqliteApprovals } from "./approvals.ts";
import { createSqliteAudit } from "./audit.ts";
import { createSqliteAgentSessions, createSqliteChoices } from "./choices.ts";
import { createSqliteContacts } from "./contacts.ts";
import { retryingWhenBusy } from "./busy.ts";
import { openDatabase, type DatabaseOptions } from "./database.ts";
import { createSqliteInbox } from "./inbox.ts";
import { createSqliteOutbox } from "./outbox.ts";
import { createSqlitePairing } from "./pairing.ts";
import { createSqliteRetention } from "./retention.ts";
import { createSqliteSessions } from "./sessions.ts";
import { createSqliteUsage } from "./usage.ts";

/** The embedded store: one SQLite file, `pincer.db`, in the data directory (or `:memory:`). */
export function createSqliteStore(dataDir: string | ":memory:", options: DatabaseOptions = {}): Store {
  const database = openDatabase(dataDir === ":memory:" ? dataDir : join(dataDir, "pincer.db"), options);
  // Another process holding the write lock makes a call wait asynchronously, never block the event loop.
  const parts = {
    inbox: createSqliteInbox(database),
    outbox: createSqliteOutbox(database),
    sessions: createSqliteSessions(database),
    audit: createSqliteAudit(database),
    pairing: createSqlitePairing(database),
    usage: createSqliteUsage(database),
    approvals: createSqliteApprovals(database),
    contacts: createSqliteContacts(database),
    choices: createSqliteChoices(database),
    agentSessions: createSqliteAgentSessions(database),
    retention: createSqliteRetention(database),
  };
  const retrying = Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, retryingWhenBusy(part)])) as typeof parts;
  return { ...retrying, close: () => database.close() };
}
