import type { SessionInfo, SessionMessage, StoredSessionMessage } from "../types/agent.ts";
import type { ConversationRef } from "../types/conversation.ts";
import type { InboundMessage } from "../types/message.ts";
import type { ReplyPart } from "../types/reply.ts";
import type { ConversationChoice } from "../router.ts";
import type { AdapterStateStore, LeaseStore } from "./shared-state.ts";
import type { JobStore } from "./jobs.ts";

import type { KnowledgeStore } from "./knowledge-store.ts";
import type { MemoryStore } from "./memory-store.ts";

export type { AdapterStateStore, LeaseStore } from "./shared-state.ts";
export type { KnowledgeStore } from "./knowledge-store.ts";
export type { MemoryStore } from "./memory-store.ts";
export type { JobClaim, JobOutcome, JobRecord, JobRunResult, JobSchedule, JobState, JobStore } from "./jobs.ts";

/**
 * The store port: all state that must survive a crash or be shared by several gateway processes.
 * Async so that a networked implementation (Postgres, Redis) can replace the SQLite one.
 */
export interface Store {
  inbox: InboxStore;
  outbox: OutboxStore;
  sessions: SessionStore;
  audit: AuditStore;
  pairing: PairingStore;
  usage: UsageStore;
  approvals: ApprovalStore;
  leases: LeaseStore;
  adapterState: AdapterStateStore;
  contacts: ContactStore;
  choices: ChoiceStore;
  agentSessions: AgentSessionStore;
  retention: RetentionStore;
  memories: MemoryStore;
  knowledge: KnowledgeStore;
  jobs: JobStore;
  /** True when several gateway processes may share the store (PostgreSQL): nothing held at start-up is stale. */
  isShared?: boolean;
  close(): void | Promise<void>;
}

/**
 * received → (policy, parse) → queued → running → done; or ignored. Statuses only move forward
 * (`setStatus` leaves a row alone otherwise); only crash recovery moves running rows back to queued.
 */
export type InboxStatus = "received" | "queued" | "running" | "done" | "ignored";

export interface InboxRow {
  key: string;
  conversationKey: string;
  message: InboundMessage;
  status: InboxStatus;
  receivedAt: number;
}

export interface InboxStore {
  /** Records the message unless (channel id, id) is already there; false for a duplicate. */
  insert(message: InboundMessage, receivedAt: number): Promise<boolean>;
  /** Moves rows forward: `queued` only from `received`, `done`/`ignored` from any unfinished status. */
  setStatus(keys: readonly string[], status: InboxStatus): Promise<void>;
  /** Stores what was learned about a message since it arrived (a transcript), so a re-run does not redo it. */
  updateMessage(key: string, message: InboundMessage): Promise<void>;
  /**
   * The conversation's next turn, moved to running, in arrival order. A turn is durable: rows claimed
   * together are claimed together again after a crash (and first), so a re-run has the same rows, the
   * same first key and so the same outbox keys. Otherwise every queued row joins the new turn. `isTakeover`: the
   * caller has just taken the conversation's lease, so rows still running are a dead holder's turn (not yet
   * recovered), claimed again first, whole.
   */
  claimQueued(conversationKey: string, options?: ClaimOptions): Promise<InboxRow[]>;
  /** Whether a claim would find rows (with the same `heldBehindSince`). */
  hasQueued(conversationKey: string, options?: Pick<ClaimOptions, "heldBehindSince">): Promise<boolean>;
  countQueued(): Promise<number>;
  /**
   * Crash recovery: running rows go back to queued; returns received and queued rows to resume. Work a
   * live worker holds (`held`: conversations being drained, messages being processed) is left to it.
   */
  recover(held?: HeldWork): Promise<{ received: InboxRow[]; queuedConversations: string[] }>;
}

export interface ClaimOptions {
  /** The caller has just taken the conversation's lease: rows still running are a dead holder's turn, claimed first. */
  isTakeover?: boolean;
  /**
   * Order across processes: a new turn takes only the queued rows that arrived before the conversation's oldest
   * row still being taken in (`received`), if that row arrived after this time (epoch ms). Another process may be
   * admitting it (or, dead, leave it to recovery); the held rows join the turn that row is queued for.
   */
  heldBehindSince?: number;
}

export interface HeldWork {
  conversationKeys: readonly string[];
  messageKeys: readonly string[];
  /** Only received rows that arrived before this (epoch ms): a periodic recovery leaves fresh ones to the process taking them in. */
  receivedBefore?: number;
}

/** pending (to send, or to retry) → sending (claimed by one worker until its lease ends) → sent; or failed. */
export type OutboxStatus = "pending" | "sending" | "sent" | "failed";

export interface OutboxRow {
  key: string;
  conversation: ConversationRef;
  part: ReplyPart;
  status: OutboxStatus;
  messageId: string | undefined;
  /** Rounds tried so far (each round may retry a few times in place). */
  attempts: number;
  nextAttemptAt: number;
  lastError: string | undefined;
}

/** What a send is about: enough to write the outbox row in one statement, whatever came before. */
export interface OutboxPart {
  key: string;
  conversation: ConversationRef;
  part: ReplyPart;
}

/**
 * What a claim found. `claimed`: this worker sends the part now; `wasUnknown` says an earlier worker
 * claimed it and died (or overran its lease) mid-send, so the platform may have it already.
 * `held`: another worker's lease is live.
 */
export type OutboxClaim =
  | { type: "claimed"; attempts: number; wasUnknown: boolean }
  | { type: "sent"; messageId: string }
  | { type: "held"; claimedUntil: number }
  | { type: "failed" };

/**
 * Parts that wait for a condition before they can go: ClawBot's replies that no longer fit the user's
 * reply window wait for `next-inbound:<conversation key>`. The flush leaves them alone; the adapter that
 * parked them sends them, oldest first, once the condition is met, and marks each sent.
 */
export interface WaitingReplies {
  /** Stores a part that waits for `waitsFor`, after the ones already waiting for it. */
  park(item: OutboxPart, waitsFor: string, now: number): Promise<void>;
  /** The parts waiting for `waitsFor`, oldest first. */
  waiting(waitsFor: string): Promise<OutboxPart[]>;
  /** Records a released part as sent: it waits no more. */
  markSent(item: OutboxPart, messageId: string, now: number): Promise<void>;
}

export interface OutboxStore extends WaitingReplies {
  get(key: string): Promise<OutboxRow | undefined>;
  /** Takes the part for one send (inserting it when new), written before the send goes out. */
  claim(item: OutboxPart, now: number, leaseMs: number): Promise<OutboxClaim>;
  /**
   * Claims due parts for a flush: pending ones whose next attempt is due, and ones whose send was cut
   * off (lease over). Each comes back with `wasUnknown` set for the latter.
   */
  claimDue(now: number, limit: number, leaseMs: number): Promise<(OutboxRow & { wasUnknown: boolean })[]>;
  /** After a restart of the only process on this store: no lease is held by anyone alive. */
  releaseLeases(): Promise<number>;
  /** Stores a part for a later send; a row still pending takes the newer part, a sent or failed one is left alone. */
  put(key: string, conversation: ConversationRef, part: ReplyPart, now: number): Promise<OutboxRow>;
  /** Records the part as sent (inserting the row if it was never stored): one write per successful send. */
  markSent(item: OutboxPart, messageId: string, now: number): Promise<void>;
  markFailedAttempt(item: OutboxPart, error: string, nextAttemptAt: number, isFinal: boolean, now: number): Promise<void>;
  /** Pending rows whose next attempt is due, oldest first (none that waits for a condition). */
  due(now: number, limit: number): Promise<OutboxRow[]>;
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
}

export interface ApprovalStore {
  create(record: ApprovalRecord): Promise<void>;
  get(id: string): Promise<ApprovalRecord | undefined>;
  /** Moves a pending approval to `status`; false when it was no longer pending (decided twice, expired). */
  settle(id: string, status: Exclude<ApprovalStatus, "pending">, decidedBy: string, at: number, isAlways?: boolean): Promise<boolean>;
}

/** Where each user can be reached directly (their DM with the bot), to bring them approval requests. */
export interface ContactStore {
  remember(userRef: string, conversation: ConversationRef, at: number): Promise<void>;
  find(userRef: string): Promise<ConversationRef | undefined>;
}

export interface PairingRequest {
  /**
   * The channel id (a default channel's id is its platform's name, so rows written before there were
   * channels keep their meaning). Named `platform` as in the stored rows and the admin API.
   */
  platform: string;
  /** A group's pairing: the group's chat id (then `userId` is the member who asked first). Absent for a person's DM pairing. */
  chatId: string | undefined;
  userId: string;
  displayName: string;
  code: string;
  createdAt: number;
  expiresAt: number;
  lastSentAt: number;
  approvedAt: number | undefined;
}

/** Who pairs: a person (by user id) or a group (by chat id; `userId` is then ignored). */
export interface PairingSubject {
  /** The channel id, as in `PairingRequest`. */
  platform: string;
  chatId: string | undefined;
  userId: string;
}

export interface PairingStore {
  find(subject: PairingSubject): Promise<PairingRequest | undefined>;
  /** Inserts or replaces the subject's request (an expired one is replaced by a new code). */
  save(request: PairingRequest): Promise<void>;
  markSent(subject: PairingSubject, sentAt: number): Promise<void>;
  /** Approves an unexpired request by code; returns it, or undefined when none matches. */
  approve(platform: string, code: string, now: number): Promise<PairingRequest | undefined>;
  listPending(now: number): Promise<PairingRequest[]>;
}

/** `channelId:messageId`: message ids are unique per channel (per bot), not per platform. */
export function inboxKey(channelId: string, id: string): string {
  return `${channelId}:${id}`;
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
  /** Older finished messages, runs, run events, session messages, sent replies and decided approvals go. */
  before: number;
  /** Finished inbox rows, kept body-less past `before` so a platform's late redelivery is still a duplicate, go. */
  inboxKeysBefore: number;
}

/** Rows removed (or emptied) per kind. */
export type PruneCounts = Record<"inboxBodies" | "inboxKeys" | "runs" | "runEvents" | "sessionMessages" | "sessions" | "outbox" | "approvals", number>;

export interface RetentionStore {
  prune(cutoffs: PruneCutoffs): Promise<PruneCounts>;
}
