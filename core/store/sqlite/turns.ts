import type { DatabaseSync } from "node:sqlite";
import type { AuditStore, ChoiceStore, InboxStore, LeaseStore, SessionStore } from "../store.ts";
import type { TurnStore } from "../turn-store.ts";
import { inTransaction } from "./database.ts";

/** The parts a turn's calls are made of: one process owns the file, so a call may be several of them in a row. */
export interface TurnParts {
  leases: LeaseStore;
  inbox: InboxStore;
  choices: ChoiceStore;
  sessions: SessionStore;
  audit: AuditStore;
}

export function createSqliteTurns(database: DatabaseSync, parts: TurnParts): TurnStore {
  const append = database.prepare("INSERT INTO session_messages (session_id, role, text, created_at) VALUES (?, ?, ?, ?)");
  // Forward only, as the inbox's own setStatus: a row already finished stays as it is.
  const done = database.prepare("UPDATE inbox SET status = 'done' WHERE key = ? AND status IN ('received', 'queued', 'running')");
  const finishRun = database.prepare("UPDATE runs SET outcome = ?, ended_at = ?, detail = ? WHERE ref = ?");
  return {
    async begin(conversationKey, holder, leaseMs, { queueKey, ...claim }) {
      if (queueKey) await parts.inbox.setStatus([queueKey], "queued");
      if (!(await parts.leases.acquire(conversationKey, holder, leaseMs))) return undefined;
      return { rows: await parts.inbox.claimQueued(conversationKey, claim), choice: await parts.choices.get(conversationKey) };
    },
    async start(run, historyLimit) {
      const session = await parts.sessions.current(run.conversationKey, run.startedAt, historyLimit);
      await parts.audit.startRun({ ...run, sessionId: session.id });
      return session;
    },
    async finish(turn) {
      inTransaction(database, () => {
        for (const message of turn.session?.messages ?? []) append.run(turn.session!.id, message.role, message.text, message.createdAt);
        for (const key of turn.doneKeys) done.run(key);
        if (turn.run) finishRun.run(turn.run.outcome, turn.run.endedAt, turn.run.detail ?? null, turn.run.ref);
      });
    },
    async end(conversationKey, holder, options) {
      await parts.leases.release(conversationKey, holder);
      return parts.inbox.hasQueued(conversationKey, options);
    },
  };
}
