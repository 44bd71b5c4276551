import type { SessionInfo, SessionMessage, StoredSessionMessage } from "../types/agent.ts";
import type { ConversationRef } from "../types/conversation.ts";
import type { ConversationChoice } from "../router.ts";
import type { AdapterStateStore, LeaseStore } from "./shared-state.ts";
import type { ConversationStore } from "./conversation-store.ts";
import type { FileStore } from "./file-store.ts";
import type { InboxStore } from "./inbox-store.ts";
import type { JobStore } from "./jobs.ts";

import type { KnowledgeStore } from "./knowledge-store.ts";
import type { MemoryStore } from "./memory-store.ts";
import type { OutboxStore } from "./outbox-store.ts";
import type { PairingStore } from "./pairing-store.ts";
import type { OverviewStore } from "./overview-store.ts";
import type { RateLimits } from "./rate-limits.ts";
import type { AuditCursor, AuditEntry, AuditFilter } from "./audit-log.ts";
import type { UsageDay, UsageDimension, UsageGroup, UsageRollupRow } from "./usage-report.ts";
import type { TraceStore } from "./trace-store.ts";
import type { TurnStore } from "./turn-store.ts";
import type { Broadcast } from "./broadcast.ts";

export type { AdapterStateStore, LeaseStore } from "./shared-state.ts";
export type { KnowledgeStore } from "./knowledge-store.ts";
export type { RateLimits } from "./rate-limits.ts";
export type { ConversationStore } from "./conversation-store.ts";
export type { MemoryStore } from "./memory-store.ts";
export type { TraceStore } from "./trace-store.ts";
export type { BegunTurn, FinishedTurn, TurnStore } from "./turn-store.ts";
export type { FileStore, StoredFile, StoredFileMeta } from "./file-store.ts";
export type { Broadcast } from "./broadcast.ts";
export { inboxKey, type ClaimOptions, type HeldWork, type InboxRow, type InboxStatus, type InboxStore } from "./inbox-store.ts";
export type { OutboxClaim, OutboxPart, OutboxRow, OutboxStatus, OutboxStore, WaitingReplies } from "./outbox-store.ts";
export type { PairingRequest, PairingStore, PairingSubject } from "./pairing-store.ts";
export type { ActivityBucket, OverviewStore, UsageLeader } from "./overview-store.ts";
export type { AuditCursor, AuditEntry, AuditFilter } from "./audit-log.ts";
export type { UsageDay, UsageDimension, UsageGroup, UsageRollupRow } from "./usage-report.ts";
export type { JobClaim, JobOutcome, JobRecord, JobRunResult, JobSchedule, JobState, JobStore } from "./jobs.ts";

/**
 * The store port: all state that must survive a crash or be shared by several gateway processes.
 * Async so that a networked implementation (Postgres, Redis) can replace the SQLite one.
 */
export interface Store {
  inbox: InboxStore;
  outbox: OutboxStore;
  sessions: SessionStore;
  /** The end of a turn (session messages, inbox rows done, run outcome) as one write. */
  turns: TurnStore;
  audit: AuditStore;
  pairing: PairingStore;
  usage: UsageStore;
  approvals: ApprovalStore;
  leases: LeaseStore;
  adapterState: AdapterStateStore;
  /** Rolling-window counters shared by the processes on the store (WeChat's per-minute send cap). */
  rateLimits: RateLimits;
  contacts: ContactStore;
  choices: ChoiceStore;
  agentSessions: AgentSessionStore;
  retention: RetentionStore;
  memories: MemoryStore;
  knowledge: KnowledgeStore;
  jobs: JobStore;
  /** The console's overview: activity over time, usage leaders. */
  overview: OverviewStore;
  traces: TraceStore;
  /** What the console reads about conversations: the list with search, one conversation's messages and runs. */
  conversations: ConversationStore;
  /** Files replies carry, readable by every process sharing the store (copied in before a part's outbox row is written). */
  files: FileStore;
  /** Publish/subscribe between the processes sharing the store (in-process for SQLite, LISTEN/NOTIFY for PostgreSQL). */
  broadcast?: Broadcast;
  /** True when several gateway processes may share the store (PostgreSQL): nothing held at start-up is stale. */
  isShared?: boolean;
  close(): void | Promise<void>;
}

export interface SessionStore {
  /** The conversation's open session, opened now if there is none. */
  current(conversationKey: string, now: number, historyLimit: number): Promise<SessionInfo>;
  /** The open session's latest messages, oldest first; none (and no session opened) when there is no open session. */
  history(conversationKey: string, limit: number): Promise<StoredSessionMessage[]>;
  end(conversationKey: string, now: number): Promise<void>;
  /** Appends the messages of one turn together. */
  append(sessionId: string, messages: readonly SessionMessage[]): Promise<void>;
  saveSummary(sessionId: string, summary: string, throughSeq: number): Promise<void>;
  countMessages(sessionId: string): Promise<number>;
}

export interface RunRecord {
  ref: string;
  conversationKey: string;
  sessionId: string;
  senderId: string;
  agentId: string;
  inboxKeys: string[];
  startedAt: number;
}

export type RunOutcome = "ok" | "stopped" | "error";

export interface AuditStore {
  startRun(run: RunRecord): Promise<void>;
  finishRun(ref: string, outcome: RunOutcome, endedAt: number, detail?: string): Promise<void>;
  /** One step of a run: a tool call, a permission decision, a tool result. */
  recordEvent(runRef: string, at: number, kind: string, detail: Record<string, unknown>): Promise<void>;
  events(runRef: string): Promise<{ at: number; kind: string; detail: Record<string, unknown> }[]>;
  /** Runs and their events matching `filter`, newest first, up to `limit`, older than `before` when given (keyset). */
  list(filter: AuditFilter, limit: number, before?: AuditCursor): Promise<AuditEntry[]>;
}

export interface UsageEntry {
  at: number;
  userRef: string;
  conversationKey: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
  /** The run that made the call, when it was one (the console joins calls to runs). */
  runRef?: string | undefined;
}

export interface UsageTotals {
  calls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

export interface UsageStore {
  record(entry: UsageEntry): Promise<void>;
  /** The conversation's most recent model call, for the context fill in `/status`. */
  lastCall(conversationKey: string): Promise<UsageEntry | undefined>;
  /** Totals since `since` per user, largest first (for `pincer usage`). */
  byUser(since: number, limit: number): Promise<(UsageTotals & { userRef: string })[]>;
  /** Totals since `since` (epoch ms) for one user or one conversation. */
  totals(scope: { userRef: string } | { conversationKey: string }, since: number): Promise<UsageTotals>;
  // The console's report counts whole UTC days: from the day `since` falls in, up to `until` (exclusive, a time
  // inside a day counting that day in).
  /** Totals per UTC day, oldest first; days without calls are left out. */
  daily(since: number, until: number): Promise<UsageDay[]>;
  /** Totals per user, chat or model from `since`'s day on, most tokens first. */
  breakdown(by: UsageDimension, since: number, limit: number): Promise<UsageGroup[]>;
  /** Totals per UTC day, user, chat and model, by day then user, chat and model (the CSV export). */
  rollup(since: number, until: number): Promise<UsageRollupRow[]>;
}

export type ApprovalStatus = "pending" | "approved" | "denied" | "expired" | "cancelled";

export interface ApprovalRecord {
  id: string;
  conversation: ConversationRef;
  requesterRef: string;
  tool: string;
  summary: string;
  status: ApprovalStatus;
  createdAt: number;
  expiresAt: number;
  decidedBy: string | undefined;
  isAlways: boolean;
  /** The run that asked, when it was one (the console shows the approval under it). */
  runRef?: string | undefined;
}

export interface ApprovalStore {
  create(record: ApprovalRecord): Promise<void>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Moves a pending approval to `status`; false when it was no longer pending (decided twice, expired). */
  settle(id: string, status: Exclude<ApprovalStatus, "pending">, decidedBy: string, at: number, isAlways?: boolean): Promise<boolean>;
  /** Requests of every chat, newest first (the console's list); `status` narrows them to one state. */
  list(filter: { status?: ApprovalStatus; limit: number }): Promise<ApprovalRecord[]>;
}

/** Where each user can be reached directly (their DM with the bot), to bring them approval requests. */
export interface ContactStore {
  remember(userRef: string, conversation: ConversationRef, at: number): Promise<void>;
  find(userRef: string): Promise<ConversationRef | undefined>;
}

/** What `/agent` and `/model` chose for a conversation. */
export interface ChoiceStore {
  get(conversationKey: string): Promise<ConversationChoice>;
  set(conversationKey: string, choice: ConversationChoice, at: number): Promise<void>;
}

/** An external agent's own session id per conversation (an ACP session), so a chat resumes it after a restart. */
export interface AgentSessionStore {
  get(agent: string, conversationKey: string): Promise<string | undefined>;
  set(agent: string, conversationKey: string, sessionId: string): Promise<void>;
  /** `/new`: every agent starts a fresh session for the conversation. */
  clear(conversationKey: string): Promise<void>;
}

/** What `PINCER_RETENTION_DAYS` prunes (core/retention.ts), by age. */
export interface PruneCutoffs {
  /** Older finished messages, runs, run events, session messages, sent replies, decided approvals and trace spans go. */
  before: number;
  /** Finished inbox rows, kept body-less past `before` so a platform's late redelivery is still a duplicate, go. */
  inboxKeysBefore: number;
  /** Stored files last used before this, that no unfinished outbox row refers to, go (absent: none go). */
  storedFilesBefore?: number;
}

/** Rows removed (or emptied) per kind. */
export type PruneCounts = Record<"inboxBodies" | "inboxKeys" | "runs" | "runEvents" | "sessionMessages" | "sessions" | "outbox" | "approvals" | "traceSpans" | "storedFiles", number>;

export interface RetentionStore {
  prune(cutoffs: PruneCutoffs): Promise<PruneCounts>;
}
