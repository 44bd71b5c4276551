import type pg from "pg";
import type { PruneCounts, PruneCutoffs, RetentionStore } from "../store.ts";
import { cutoffFor } from "../retention-cutoffs.ts";
import { inTransaction } from "./database.ts";

const emptied = "{}";
// Only finished rows: a message still received, queued or running is recovered, whatever its age.
const finished = "status IN ('done', 'ignored')";
const statements: Record<keyof PruneCounts, string> = {
  inboxBodies: `UPDATE inbox SET message = '${emptied}' WHERE received_at < $1 AND ${finished} AND message <> '${emptied}'`,
  inboxKeys: `DELETE FROM inbox WHERE received_at < $1 AND ${finished}`,
  runEvents: "DELETE FROM run_events WHERE at < $1",
  runs: "DELETE FROM runs WHERE started_at < $1 AND ended_at IS NOT NULL",
  sessionMessages: "DELETE FROM session_messages WHERE created_at < $1",
  sessions: "DELETE FROM sessions WHERE ended_at < $1 AND NOT EXISTS (SELECT 1 FROM session_messages WHERE session_id = sessions.id)",
  outbox: "DELETE FROM outbox WHERE created_at < $1 AND status <> 'pending'",
  approvals: "DELETE FROM approvals WHERE created_at < $1 AND status <> 'pending'",
  traceSpans: "DELETE FROM trace_spans WHERE started_at < $1",
  // A file is kept while a part still to be sent (or parked) refers to it; sent parts are the platform's now.
  storedFiles: `DELETE FROM stored_files WHERE stored_at < $1 AND id NOT IN (SELECT (part::jsonb) -> 'media' ->> 'id' FROM outbox
    WHERE status IN ('pending', 'sending') AND (part::jsonb) -> 'media' ->> 'platform' = 'stored')`,
};

export function createPostgresRetention(pool: pg.Pool): RetentionStore {
  return {
    async prune(cutoffs: PruneCutoffs) {
      return inTransaction(pool, async (client) => {
        const counts = {} as PruneCounts;
        for (const [kind, statement] of Object.entries(statements) as [keyof PruneCounts, string][]) {
          counts[kind] = (await client.query(statement, [cutoffFor(kind, cutoffs)])).rowCount ?? 0;
        }
        return counts;
      });
    },
  };
}
