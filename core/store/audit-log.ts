/**
 * The audit log as the console reads it: every run (its start, and how it ended) and every step recorded under a
 * run (a tool call, a permission decision, a tool result, a job's outcome), newest first.
 */
interface AuditEntryBase {
  /** When it happened: a run's start, an event's time (epoch ms). */
  at: number;
  runRef: string;
  /** The run's chat (conversation key), sender (the platform's user id) and agent. */
  conversationKey: string;
  senderId: string;
  agentId: string;
}

export type AuditEntry =
  | (AuditEntryBase & { type: "run"; kind: "run"; outcome: string | undefined; endedAt: number | undefined; detail: string | undefined })
  | (AuditEntryBase & { type: "event"; seq: number; kind: string; detail: Record<string, unknown> });

/** Filters, each optional; `since` inclusive, `until` exclusive. `kind` "run" lists runs, any other kind events. */
export interface AuditFilter {
  runRef?: string;
  kind?: string;
  senderId?: string;
  conversationKey?: string;
  since?: number;
  until?: number;
}

/** Where a page ends: the next page starts strictly after (older than) it. Runs sort with `seq` 0. */
export interface AuditCursor {
  at: number;
  seq: number;
  runRef: string;
}

export const auditCursorOf = (entry: AuditEntry): AuditCursor => ({ at: entry.at, seq: entry.type === "event" ? entry.seq : 0, runRef: entry.runRef });
