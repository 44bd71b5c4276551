import type { DatabaseSync } from "node:sqlite";
import type { AuditStore, RunOutcome, RunRecord } from "../store.ts";

export function createSqliteAudit(database: DatabaseSync): AuditStore {
  const start = database.prepare(
    "INSERT INTO runs (ref, conversation_key, session_id, sender_id, agent_id, inbox_keys, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const finish = database.prepare("UPDATE runs SET outcome = ?, ended_at = ?, detail = ? WHERE ref = ?");

  return {
    async startRun(run: RunRecord) {
      start.run(run.ref, run.conversationKey, run.sessionId, run.senderId, run.agentId, JSON.stringify(run.inboxKeys), run.startedAt);
    },
    async finishRun(ref: string, outcome: RunOutcome, endedAt: number, detail?: string) {
      finish.run(outcome, endedAt, detail ?? null, ref);
    },
  };
}
