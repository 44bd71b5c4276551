import type { Store } from "../store.ts";
import { createPostgresApprovals } from "./approvals.ts";
import { createPostgresBroadcast } from "./broadcast.ts";
import { createPool, splitDatabaseUrl, type PoolOptions } from "./database.ts";
import { createPostgresConversations } from "./conversations.ts";
import { createPostgresFiles } from "./files.ts";
import { createPostgresInbox } from "./inbox.ts";
import { createPostgresJobs } from "./jobs.ts";
import { createPostgresKnowledge } from "./knowledge.ts";
import { createPostgresLeases } from "./leases.ts";
import { createPostgresMemories } from "./memories.ts";
import { migrate } from "./migrations.ts";
import { createPostgresOutbox } from "./outbox.ts";
import { createPostgresOverview } from "./overview.ts";
import { createPostgresPairing } from "./pairing.ts";
import { createPostgresRateLimits } from "./rate-limits.ts";
import { createPostgresRetention } from "./retention.ts";
import { createPostgresSessions } from "./sessions.ts";
import { createPostgresTurns } from "./turns.ts";
import { createPostgresTraces } from "./traces.ts";
import {
  createPostgresAdapterState, createPostgresAgentSessions, createPostgresAudit, createPostgresChoices, createPostgresContacts,
} from "./small-stores.ts";
import { createPostgresUsage } from "./usage.ts";

export type { PoolOptions as PostgresStoreOptions } from "./database.ts";

/**
 * The shared store: every gateway process on one PostgreSQL database (`DATABASE_URL`). Opening it migrates the
 * schema (safely when several processes start at once). `isShared`: nothing another process holds is released at start.
 */
export async function createPostgresStore(url: string, options: PoolOptions = {}): Promise<Store> {
  // Commits wait for the disk only where a platform is told "received" (the inbox's inserts), as on SQLite.
  const pool = createPool(url, { ...options, isCommitSynchronous: false, isPipelined: true });
  // Long statements (retention's deletes, the console's searches, knowledge, file bodies) on connections of their own,
  // so that they never wait in line with the message traffic on the pipelined ones.
  const slowPool = createPool(url, { ...options, max: 2, isCommitSynchronous: false });
  const inboxPool = createPool(url, { ...options, max: 2 });
  // Lease renewals on their own two connections (see createPostgresLeases).
  const leasePool = createPool(url, { ...options, max: 2, isCommitSynchronous: false });
  try {
    await migrate(pool, splitDatabaseUrl(url, options.schema).schema);
  } catch (error) {
    await Promise.all([pool.end(), slowPool.end(), inboxPool.end(), leasePool.end()]);
    throw error;
  }
  const { url: plainUrl, schema } = splitDatabaseUrl(url, options.schema);
  const broadcast = createPostgresBroadcast({ pool, url: plainUrl, schema });
  return {
    broadcast,
    inbox: createPostgresInbox(pool, inboxPool),
    outbox: createPostgresOutbox(pool),
    sessions: createPostgresSessions(pool),
    turns: createPostgresTurns(pool),
    audit: createPostgresAudit(pool),
    pairing: createPostgresPairing(pool),
    usage: createPostgresUsage(pool, slowPool),
    approvals: createPostgresApprovals(pool),
    leases: createPostgresLeases(pool, leasePool),
    adapterState: createPostgresAdapterState(pool),
    rateLimits: createPostgresRateLimits(pool),
    contacts: createPostgresContacts(pool),
    choices: createPostgresChoices(pool),
    agentSessions: createPostgresAgentSessions(pool),
    retention: createPostgresRetention(slowPool),
    memories: createPostgresMemories(pool),
    knowledge: createPostgresKnowledge(slowPool),
    jobs: createPostgresJobs(pool),
    overview: createPostgresOverview(slowPool),
    traces: createPostgresTraces(pool),
    conversations: createPostgresConversations(slowPool),
    files: createPostgresFiles(slowPool),
    isShared: true,
    close: async () => {
      await broadcast.close();
      await Promise.all([pool.end(), slowPool.end(), inboxPool.end(), leasePool.end()]);
    },
  };
}
