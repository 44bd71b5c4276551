import type { DatabaseSync } from "node:sqlite";
import type { PruneCounts, PruneCutoffs, RetentionStore } from "../store.ts";
import { cutoffFor } from "../retention-cutoffs.ts";
import { inTransaction } from "./database.ts";

const emptied = "{}";

export function createSqliteRetention(database: DatabaseSync): RetentionStore {
  // Only finished rows: a message still received, queued or running is recovered after a restart, whatever its age.
  const finished = "status IN ('done', 'ignored')";
  const statements = {
    inboxBodies: database.prepare(`UPDATE inbox SET message = '${emptied}' WHERE received_at < ? AND ${finished} AND message != '${emptied}'`),
    inboxKeys: database.prepare(`DELETE FROM inbox WHERE received_at < ? AND ${finished}`),
    runEvents: database.prepare("DELETE FROM run_events WHERE at < ?"),
    runs: database.prepare("DELETE FROM runs WHERE started_at < ? AND ended_at IS NOT NULL"),
    sessionMessages: database.prepare("DELETE FROM session_messages WHERE created_at < ?"),
    sessions: database.prepare(
      "DELETE FROM sessions WHERE ended_at < ? AND NOT EXISTS (SELECT 1 FROM session_messages WHERE session_id = sessions.id)",
    ),
    outbox: database.prepare("DELETE FROM outbox WHERE created_at < ? AND status != 'pending'"),
    approvals: database.prepare("DELETE FROM approvals WHERE created_at < ? AND status != 'pending'"),
    traceSpans: database.prepare("DELETE FROM trace_spans WHERE started_at < ?"),
    // A file is kept while a part still to be sent (or parked) refers to it; sent parts are the platform's now.
    storedFiles: database.prepare(
      `DELETE FROM stored_files WHERE stored_at < ? AND id NOT IN (SELECT json_extract(part, '$.media.id') FROM outbox
         WHERE status IN ('pending', 'sending') AND json_extract(part, '$.media.platform') = 'stored')`,
    ),
  };

  return {
    async prune(cutoffs: PruneCutoffs) {
      return inTransaction(database, () => {
        const counts = {} as PruneCounts;
        for (const [kind, statement] of Object.entries(statements) as [keyof PruneCounts, (typeof statements)["runs"]][]) {
          counts[kind] = Number(statement.run(cutoffFor(kind, cutoffs)).changes);
        }
        return counts;
      });
    },
  };
}
