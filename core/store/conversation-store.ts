import type { ApprovalStatus, RunOutcome } from "./store.ts";
import type { InboxStatus } from "./inbox-store.ts";
import type { OutboxStatus } from "./outbox-store.ts";

/**
 * One conversation as the console lists it: a summary row the store keeps current from the inbox (each message
 * received moves it), so listing never scans the messages.
 */
export interface ConversationSummary {
  /** `conversationKey(ref)`: `channelId:chatId[:t:threadId]`. */
  key: string;
  channelId: string;
  platform: string;
  chatId: string;
  kind: "direct" | "group";
  /** Display name of whoever wrote last. */
  lastSender: string;
  /** The last message's text, trimmed to `summaryTextChars`. */
  lastText: string;
  lastAt: number;
  messageCount: number;
}

/** How much of the last message the summary keeps. */
export const summaryTextChars = 200;
/** How much of a tool call's arguments or result, a reply part's text, a message shows in a conversation's page. */
export const detailTextChars = 2000;
/** Conversations found by a search are those among the most recent this many matching messages. */
export const searchScanLimit = 2000;

export interface ConversationListOptions {
  /** The `nextCursor` of the page before; none: the most recent conversations. */
  cursor?: string | undefined;
  limit: number;
  /** Text in any message of the conversation (three characters or more), or in its chat id, last sender's name or last message. */
  search?: string | undefined;
}

export interface ConversationListPage {
  conversations: ConversationSummary[];
  /** Set when there may be more, older ones. */
  nextCursor: string | undefined;
}

/** One step of a run as the audit log recorded it (tool call, decision, result), its strings trimmed. */
export interface RunStep {
  at: number;
  kind: string;
  detail: Record<string, unknown>;
}

export interface RunApproval {
  id: string;
  tool: string;
  summary: string;
  status: ApprovalStatus;
  requesterRef: string;
  createdAt: number;
  expiresAt: number;
  decidedBy: string | undefined;
  decidedAt: number | undefined;
  isAlways: boolean;
}

export interface RunModelCall {
  at: number;
  model: string;
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number;
}

/** One part of the answer, from the outbox, with its delivery state. */
export interface RunReplyPart {
  key: string;
  /** The part's kind: markdown, image, file, audio, buttons, error. */
  type: string;
  /** Its text (trimmed), or the file's name. */
  text: string;
  status: OutboxStatus;
  attempts: number;
  lastError: string | undefined;
  /** The platform's id of the sent message. */
  messageId: string | undefined;
}

/** A run an inbound message caused (with the others answered in the same turn), and all it did. */
export interface ConversationRun {
  ref: string;
  agentId: string;
  senderId: string;
  inboxKeys: string[];
  startedAt: number;
  endedAt: number | undefined;
  /** Undefined while it runs. */
  outcome: RunOutcome | undefined;
  detail: string | undefined;
  steps: RunStep[];
  approvals: RunApproval[];
  modelCalls: RunModelCall[];
  replies: RunReplyPart[];
}

export interface ConversationMessage {
  /** The inbox key (`channelId:messageId`). */
  key: string;
  messageId: string;
  sender: { id: string; displayName: string; isBot: boolean };
  /** The message's text (trimmed to `detailTextChars`); attachments are listed by kind. */
  text: string;
  attachments: string[];
  status: InboxStatus;
  sentAt: number;
  receivedAt: number;
  /** The runs whose turn included this message (usually one; none for a command answered at once, or one refused). */
  runs: ConversationRun[];
}

export interface ConversationMessagesOptions {
  /** The `nextBefore` of the page after: older messages than those. */
  before?: string | undefined;
  limit: number;
}

export interface ConversationMessagesPage {
  conversation: ConversationSummary | undefined;
  /** Oldest first. */
  messages: ConversationMessage[];
  /** Set when older messages remain. */
  nextBefore: string | undefined;
}

/** What the console reads about conversations: a paged list (with search) and one conversation's messages and runs. */
export interface ConversationStore {
  list(options: ConversationListOptions): Promise<ConversationListPage>;
  messages(conversationKey: string, options: ConversationMessagesOptions): Promise<ConversationMessagesPage>;
}

/** Keyset cursors: opaque to callers, checked when read back (a hostile one means "from the start"). */
export function encodeListCursor(lastAt: number, key: string): string {
  return Buffer.from(JSON.stringify([lastAt, key]), "utf8").toString("base64url");
}

export function decodeListCursor(cursor: string | undefined): { lastAt: number; key: string } | undefined {
  if (!cursor) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && typeof value[0] === "number" && Number.isSafeInteger(value[0]) && typeof value[1] === "string") {
      return { lastAt: value[0], key: value[1] };
    }
  } catch {
    // a cursor that is not ours: from the start
  }
  return undefined;
}

/** A message page's cursor: the inbox sequence number of its oldest message. */
export function decodeBefore(before: string | undefined): number | undefined {
  if (!before || !/^\d{1,15}$/.test(before)) return undefined;
  return Number(before);
}

/**
 * Whether a search looks into every message's text: three characters or more (a trigram index matches nothing
 * shorter). A shorter one (a two-character Chinese word) matches chat ids, senders' names and last messages only.
 */
export const isMessageSearch = (search: string): boolean => [...search].length >= 3;

export function trimText(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars)}…`;
}

/** Strings in a recorded step trimmed (tool arguments and results can be long), nested values too. */
export function trimDetail(detail: Record<string, unknown>, chars = detailTextChars): Record<string, unknown> {
  const trim = (value: unknown, depth: number): unknown => {
    if (typeof value === "string") return trimText(value, chars);
    if (depth > 4 || value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.slice(0, 50).map((item) => trim(item, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, trim(item, depth + 1)]));
  };
  return trim(detail, 0) as Record<string, unknown>;
}

/** The page size asked for, within 1..200. */
export function clampLimit(limit: number, fallback = 50): number {
  return Number.isFinite(limit) && limit >= 1 ? Math.min(200, Math.floor(limit)) : fallback;
}
