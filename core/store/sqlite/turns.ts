import type { DatabaseSync } from "node:sqlite";
import type { TurnStore } from "../turn-store.ts";
import { inTransaction } from "./database.ts";

export function createSqliteTurns(database: DatabaseSync): TurnStore {
  const append = database.prepare("INSERT INTO session_messages (session_id, role, text, created_at) VALUES (?, ?, ?, ?)");
  // Forward only, as the inbox's own setStatus: a row already finished stays as it is.
  const done = database.prepare("UPDATE inbox SET status = 'done' WHERE key = ? AND status IN ('received', 'queued', 'running')");
  const finishRun = database.prepare("UPDATE runs SET outcome = ?, ended_at = ?, detail = ? WHERE ref = ?");
  return {
    async finish(turn) {
      inTransaction(database, () => {
        for (const message of turn.session?.messages ?? []) append.run(turn.session!.id, message.role, message.text, message.createdAt);
        for (const key of turn.doneKeys) done.run(key);
        if (turn.run) finishRun.run(turn.run.outcome, turn.run.endedAt, turn.run.detail ?? null, turn.run.ref);
      });
    },
  };
}
