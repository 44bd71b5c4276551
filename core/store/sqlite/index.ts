import { join } from "node:path";
import type { Store } from "../store.ts";
import { createLocalBroadcast } from "../broadcast.ts";
import { createSqliteAdapterState } from "./adapter-state.ts";
import { createSqliteApprovals } from "./approvals.ts";
import { createSqliteAudit } from "./audit.ts";
import { createSqliteAgentSessions, createSqliteChoices } from "./choices.ts";
import { createSqliteContacts } from "./contacts.ts";
import { createSqliteConversations } from "./conversations.ts";
import { retryingWhenBusy } from "./busy.ts";
import { openDatabase } from "./database.ts";
import { createSqliteFiles } from "./files.ts";
import { createSqliteInbox } from "./inbox.ts";
import { createSqliteKnowledge } from "./knowledge.ts";
import { createSqliteJobs } from "./jobs.ts";
import { createSqliteLeases } from "./leases.ts";
import { createSqliteMemories } from "./memories.ts";
import { createSqliteOutbox } from "./outbox.ts";
import { createSqliteOverview } from "./overview.ts";
import { createSqlitePairing } from "./pairing.ts";
import { createSqliteRateLimits } from "./rate-limits.ts";
import { createSqliteRetention } from "./retention.ts";
import { createSqliteSessions } from "./sessions.ts";
import { createSqliteTurns } from "./turns.ts";
import { createSqliteTraces } from "./traces.ts";
import { createSqliteUsage } from "./usage.ts";

export interface StoreOptions {
  /** How the inbox's inserts commit: `FULL` (default) or `NORMAL` (the bench measures the difference). */
  inboxSynchronous?: "FULL" | "NORMAL";
}

/**
 * The embedded store: one SQLite file, `pincer.db`, in the data directory (or `:memory:`), through two
 * connections. `synchronous` is per connection: the inbox's inserts, acknowledged to the platform, commit with
 * FULL (and so flush what the other connection wrote before them); everything else with NORMAL, which survives
 * a crash of the process and costs no fsync per commit.
 */
export function createSqliteStore(dataDir: string | ":memory:", options: StoreOptions = {}): Store {
  const path = dataDir === ":memory:" ? dataDir : join(dataDir, "pincer.db");
  const database = openDatabase(path, { synchronous: "NORMAL" });
  const durable = path === ":memory:" ? database : openDatabase(path, { synchronous: options.inboxSynchronous ?? "FULL" });
  // Another process holding the write lock makes a call wait asynchronously, never block the event loop.
  const parts = {
    inbox: createSqliteInbox(database, durable),
    outbox: createSqliteOutbox(database),
    sessions: createSqliteSessions(database),
    audit: createSqliteAudit(database),
    pairing: createSqlitePairing(database),
    usage: createSqliteUsage(database),
    approvals: createSqliteApprovals(database),
    leases: createSqliteLeases(database),
    adapterState: createSqliteAdapterState(database),
    rateLimits: createSqliteRateLimits(database),
    contacts: createSqliteContacts(database),
    choices: createSqliteChoices(database),
    agentSessions: createSqliteAgentSessions(database),
    retention: createSqliteRetention(database),
    memories: createSqliteMemories(database),
    knowledge: createSqliteKnowledge(database),
    jobs: createSqliteJobs(database),
    overview: createSqliteOverview(database),
    traces: createSqliteTraces(database),
    conversations: createSqliteConversations(database),
    files: createSqliteFiles(database),
  };
  const retrying = Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, retryingWhenBusy(part)])) as typeof parts;
  // A turn's calls are made of the parts' own, each retried alone; only `finish`'s transaction is retried whole.
  const turns = createSqliteTurns(database, retrying);
  return {
    ...retrying,
    turns: { ...turns, ...retryingWhenBusy({ finish: turns.finish }) },
    // One process on the file: what is published reaches this process's subscribers.
    broadcast: createLocalBroadcast(),
    close: () => {
      if (durable !== database) durable.close();
      database.close();
    },
  };
}
