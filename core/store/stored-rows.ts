import type { ConversationRef } from "../types/conversation.ts";
import type { ReplyPart } from "../types/reply.ts";
import type { JobRecord, JobRunResult, JobSchedule, JobState } from "./jobs.ts";
import type { KnowledgeDocument, KnowledgePassage } from "./knowledge-store.ts";
import type { MemoryOwner, MemoryRecord } from "./memory-store.ts";
import type { InboundMessage } from "../types/message.ts";
import type { ApprovalRecord, ApprovalStatus, InboxRow, InboxStatus, OutboxRow, OutboxStatus, PairingRequest, UsageEntry } from "./store.ts";

/*
 * The rows of the store's tables as both implementations read them (the columns' names), and the records they hold:
 * one mapping for SQLite and PostgreSQL, so the two cannot drift apart.
 */

/** A boolean column: 0 or 1 on SQLite, false or true on PostgreSQL. Anything else is false. */
export type StoredFlag = boolean | number;
const isSet = (flag: StoredFlag): boolean => flag === true || flag === 1;

/** An inbox row as stored; `InboxRow` is the record the port hands out. */
export interface InboxMessageRow {
  key: string;
  conversation_key: string;
  message: string;
  status: string;
  received_at: number;
}

export const toInboxRow = (row: InboxMessageRow): InboxRow => ({
  key: row.key,
  conversationKey: row.conversation_key,
  message: JSON.parse(row.message) as InboundMessage,
  status: row.status as InboxStatus,
  receivedAt: row.received_at,
});

export interface JobRow {
  id: string;
  conversation: string;
  creator_ref: string;
  creator_name: string;
  prompt: string;
  schedule: string;
  timezone: string;
  state: string;
  next_run_at: number | null;
  is_background: StoredFlag;
  secret_hash: string | null;
  created_at: number;
  last_run: string | null;
  run_count: number;
  claimed_due_at: number | null;
  claimed_until: number | null;
  claim_attempts: number;
}

export function toJob(row: JobRow): JobRecord {
  const lastRun = row.last_run ? (JSON.parse(row.last_run) as JobRunResult) : undefined;
  return {
    id: row.id,
    conversation: JSON.parse(row.conversation) as ConversationRef,
    creatorRef: row.creator_ref,
    creatorName: row.creator_name,
    prompt: row.prompt,
    schedule: JSON.parse(row.schedule) as JobSchedule,
    timezone: row.timezone,
    state: row.state as JobState,
    nextRunAt: row.next_run_at ?? undefined,
    isBackground: isSet(row.is_background),
    secretHash: row.secret_hash ?? undefined,
    createdAt: row.created_at,
    lastRun: lastRun && { dueAt: lastRun.dueAt, endedAt: lastRun.endedAt, outcome: lastRun.outcome, detail: lastRun.detail ?? undefined },
    runCount: row.run_count,
  };
}

export interface DocumentRow {
  kb: string;
  source: string;
  title: string;
  size_bytes: number;
  added_at: number;
  embedding_model: string | null;
}

export const toDocument = (row: DocumentRow): KnowledgeDocument => ({
  kb: row.kb,
  source: row.source,
  title: row.title,
  sizeBytes: row.size_bytes,
  addedAt: row.added_at,
  embeddingModel: row.embedding_model ?? undefined,
});

/** Its columns are named as the passage's fields; the mapping leaves out any other column read with them. */
export type PassageRow = KnowledgePassage;

export const toPassage = (row: PassageRow): KnowledgePassage => ({
  kb: row.kb, source: row.source, title: row.title, section: row.section, text: row.text, score: row.score,
});

export interface PairingRow {
  platform: string;
  chat_id: string;
  user_id: string;
  display_name: string;
  code: string;
  created_at: number;
  expires_at: number;
  last_sent_at: number;
  approved_at: number | null;
}

export function toPairingRequest(row: PairingRow): PairingRequest {
  return {
    platform: row.platform,
    chatId: row.chat_id === "" ? undefined : row.chat_id,
    userId: row.user_id,
    displayName: row.display_name,
    code: row.code,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastSentAt: row.last_sent_at,
    approvedAt: row.approved_at ?? undefined,
  };
}

export interface ApprovalRow {
  id: string;
  conversation: string;
  requester_ref: string;
  tool: string;
  summary: string;
  status: string;
  created_at: number;
  expires_at: number;
  decided_by: string | null;
  is_always: StoredFlag;
  run_ref: string | null;
}

export function toApproval(row: ApprovalRow): ApprovalRecord {
  return {
    id: row.id,
    conversation: JSON.parse(row.conversation) as ConversationRef,
    requesterRef: row.requester_ref,
    tool: row.tool,
    summary: row.summary,
    status: row.status as ApprovalStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by ?? undefined,
    isAlways: isSet(row.is_always),
    ...(row.run_ref ? { runRef: row.run_ref } : {}),
  };
}

/** An outbox row as stored; `OutboxRow` is the record the port hands out. */
export interface OutboxPartRow {
  key: string;
  conversation: string;
  part: string;
  status: string;
  message_id: string | null;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  claimed_until: number | null;
}

export function toOutboxRow(row: OutboxPartRow): OutboxRow {
  return {
    key: row.key,
    conversation: JSON.parse(row.conversation) as ConversationRef,
    part: JSON.parse(row.part) as ReplyPart,
    status: row.status as OutboxStatus,
    messageId: row.message_id ?? undefined,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error ?? undefined,
  };
}

export interface MemoryRow {
  id: string;
  owner: string;
  text: string;
  author_ref: string;
  conversation_key: string;
  created_at: number;
}

export const toMemory = (row: MemoryRow): MemoryRecord => ({
  id: row.id,
  owner: row.owner as MemoryOwner,
  text: row.text,
  authorRef: row.author_ref,
  conversationKey: row.conversation_key,
  createdAt: row.created_at,
});

export interface UsageCallRow {
  at: number;
  user_ref: string;
  conversation_key: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: number;
}

export const toUsageCall = (row: UsageCallRow): UsageEntry => ({
  at: row.at,
  userRef: row.user_ref,
  conversationKey: row.conversation_key,
  model: row.model,
  inputTokens: row.input_tokens,
  outputTokens: row.output_tokens,
  cachedTokens: row.cached_tokens,
  costUsd: row.cost_usd,
});
