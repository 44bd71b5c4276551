import type { ApprovalStatus, RunOutcome } from "./store.ts";
import type { InboxStatus } from "./inbox-store.ts";
import type { OutboxStatus } from "./outbox-store.ts";
import type { ReplyPart } from "../types/reply.ts";
import type { InboundMessage } from "../types/message.ts";
import { plainText } from "../types/message.ts";
import {
  detailTextChars, trimDetail, trimText, type ConversationMessage, type ConversationRun, type ConversationSummary, type RunReplyPart,
} from "./conversation-store.ts";

/** Rows as both stores read them (snake_case columns, JSON as text), assembled into the console's view here once. */
export interface SummaryRow {
  key: string;
  channel_id: string;
  platform: string;
  chat_id: string;
  kind: string;
  last_sender: string;
  last_text: string;
  last_at: number | string;
  message_count: number | string;
}

export interface MessageRow {
  seq: number | string;
  key: string;
  message: string;
  status: string;
  received_at: number | string;
}

export interface RunRow {
  ref: string;
  sender_id: string;
  agent_id: string;
  inbox_keys: string;
  started_at: number | string;
  ended_at: number | string | null;
  outcome: string | null;
  detail: string | null;
}

export interface EventRow {
  run_ref: string;
  at: number | string;
  kind: string;
  detail: string;
}

export interface ApprovalRow {
  id: string;
  run_ref: string;
  tool: string;
  summary: string;
  status: string;
  requester_ref: string;
  created_at: number | string;
  expires_at: number | string;
  decided_by: string | null;
  decided_at: number | string | null;
  is_always: number | boolean;
}

export interface UsageRow {
  run_ref: string;
  at: number | string;
  model: string;
  input_tokens: number | string;
  output_tokens: number | string;
  cached_tokens: number | string;
  cost_usd: number | string;
}

export interface OutboxRow {
  key: string;
  part: string;
  status: string;
  attempts: number | string;
  last_error: string | null;
  message_id: string | null;
}

export function toSummary(row: SummaryRow): ConversationSummary {
  return {
    key: row.key,
    channelId: row.channel_id,
    platform: row.platform,
    chatId: row.chat_id,
    kind: row.kind === "group" ? "group" : "direct",
    lastSender: row.last_sender,
    lastText: row.last_text,
    lastAt: Number(row.last_at),
    messageCount: Number(row.message_count),
  };
}

const optionalNumber = (value: number | string | null) => (value === null ? undefined : Number(value));

function parseJson<T>(text: string, fallback: T): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

function replyPart(row: OutboxRow): RunReplyPart {
  const part = parseJson<Record<string, unknown>>(row.part, {}) as Partial<ReplyPart> & Record<string, unknown>;
  const media = part.media as { fileName?: unknown } | undefined;
  const candidates = [part.text, part.message, part.caption, media?.fileName];
  const text = (candidates.find((value) => typeof value === "string") as string | undefined) ?? "";
  return {
    key: row.key,
    type: typeof part.type === "string" ? part.type : "unknown",
    text: trimText(text, detailTextChars),
    status: row.status as OutboxStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error ?? undefined,
    messageId: row.message_id ?? undefined,
  };
}

/** Outbox keys of a turn start with its first inbox key and a colon: these are the bounds of that range. */
export function replyKeyRange(firstInboxKey: string): [string, string] {
  return [`${firstInboxKey}:`, `${firstInboxKey};`];
}

export interface RunDetails {
  events: readonly EventRow[];
  approvals: readonly ApprovalRow[];
  usage: readonly UsageRow[];
  /** Outbox rows by the run's first inbox key. */
  replies: ReadonlyMap<string, readonly OutboxRow[]>;
}

export function toRun(row: RunRow, details: RunDetails): ConversationRun {
  const inboxKeys = parseJson<string[]>(row.inbox_keys, []);
  return {
    ref: row.ref,
    agentId: row.agent_id,
    senderId: row.sender_id,
    inboxKeys,
    startedAt: Number(row.started_at),
    endedAt: optionalNumber(row.ended_at),
    outcome: (row.outcome ?? undefined) as RunOutcome | undefined,
    detail: row.detail ?? undefined,
    steps: details.events
      .filter((event) => event.run_ref === row.ref)
      .map((event) => ({ at: Number(event.at), kind: event.kind, detail: trimDetail(parseJson<Record<string, unknown>>(event.detail, {})) })),
    approvals: details.approvals
      .filter((approval) => approval.run_ref === row.ref)
      .map((approval) => ({
        id: approval.id,
        tool: approval.tool,
        summary: trimText(approval.summary, detailTextChars),
        status: approval.status as ApprovalStatus,
        requesterRef: approval.requester_ref,
        createdAt: Number(approval.created_at),
        expiresAt: Number(approval.expires_at),
        decidedBy: approval.decided_by ?? undefined,
        decidedAt: optionalNumber(approval.decided_at),
        isAlways: approval.is_always === true || approval.is_always === 1,
      })),
    modelCalls: details.usage
      .filter((call) => call.run_ref === row.ref)
      .map((call) => ({
        at: Number(call.at),
        model: call.model,
        inputTokens: Number(call.input_tokens),
        outputTokens: Number(call.output_tokens),
        cachedTokens: Number(call.cached_tokens),
        costUsd: Number(call.cost_usd),
      })),
    replies: (inboxKeys[0] ? details.replies.get(inboxKeys[0]) ?? [] : []).map(replyPart),
  };
}

export function toMessage(row: MessageRow, runs: readonly ConversationRun[]): ConversationMessage {
  const message = parseJson<Partial<InboundMessage>>(row.message, {});
  return {
    key: row.key,
    messageId: message.id ?? row.key.slice(row.key.indexOf(":") + 1),
    sender: {
      id: message.sender?.id ?? "",
      displayName: message.sender?.displayName ?? "",
      isBot: message.sender?.isBot === true,
    },
    text: trimText(plainText(message.segments ?? []), detailTextChars),
    attachments: (message.attachments ?? []).map((attachment) => attachment.type),
    status: row.status as InboxStatus,
    sentAt: message.sentAt ?? Number(row.received_at),
    receivedAt: Number(row.received_at),
    runs: runs.filter((run) => run.inboxKeys.includes(row.key)),
  };
}

/** Runs that could belong to a page of messages: started at or after its oldest message arrived. */
export const runsPerPage = (limit: number) => limit * 3 + 20;
