import type { DatabaseSync } from "node:sqlite";
import { auditListQuery, toAuditEntry, type AuditRow } from "../audit-log-sql.ts";
import type { AuditStore, RunOutcome, RunRecord } from "../store.ts";

export function createSqliteAudit(database: DatabaseSync): AuditStore {
  const start = database.prepare(
    "INSERT INTO runs (ref, conversation_key, session_id, sender_id, agent_id, inbox_keys, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const finish = database.prepare("UPDATE runs SET outcome = ?, ended_at = ?, detail = ? WHERE ref = ?");
  const insertEvent = database.prepare("INSERT INTO run_events (run_ref, at, kind, detail) VALUES (?, ?, ?, ?)");
  const selectEvents = database.prepare("SELECT at, kind, detail FROM run_events WHERE run_ref = ? ORDER BY seq");

  return {
    async startRun(run: RunRecord) {
      start.run(run.ref, run.conversationKey, run.sessionId, run.senderId, run.agentId, JSON.stringify(run.inboxKeys), run.startedAt);
    },
    async finishRun(ref: string, outcome: RunOutcome, endedAt: number, detail?: string) {
      finish.run(outcome, endedAt, detail ?? null, ref);
    },
    async recordEvent(runRef: string, at: number, kind: string, detail: Record<string, unknown>) {
      insertEvent.run(runRef, at, kind, JSON.stringify(detail));
    },
    async events(runRef: string) {
      return (selectEvents.all(runRef) as { at: number; kind: string; detail: string }[]).map((row) => ({
        at: row.at,
        kind: row.kind,
        detail: JSON.parse(row.detail) as Record<string, unknown>,
      }));
    },
    async list(filter, limit, before) {
      const { sql, params } = auditListQuery(filter, limit, before);
      return (database.prepare(sql).all(...(params as (string | number)[])) as unknown as AuditRow[]).map(toAuditEntry);
    },
  };
}
