import { join } from "node:path";
import type { Store } from "../store.ts";
import { createSqliteApprovals } from "./approvals.ts";
import { createSqliteAudit } from "./audit.ts";
import { createSqliteAgentSessions, createSqliteChoices } from "./choices.ts";
import { createSqliteContacts } from "./contacts.ts";
import { openDatabase } from "./database.ts";
import { createSqliteInbox } from "./inbox.ts";
import { createSqliteOutbox } from "./outbox.ts";
import { createSqlitePairing } from "./pairing.ts";
import { createSqliteSessions } from "./sessions.ts";
import { createSqliteUsage } from "./usage.ts";

/** The embedded store: one SQLite file, `pincer.db`, in the data directory (or `:memory:`). */
export function createSqliteStore(dataDir: string | ":memory:"): Store {
  const database = openDatabase(dataDir === ":memory:" ? dataDir : join(dataDir, "pincer.db"));
  return {
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
    close: () => database.close(),
  };
}
