import type { InboundMessage } from "../types/message.ts";

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

/** `channelId:messageId`: message ids are unique per channel (per bot), not per platform. */
export function inboxKey(channelId: string, id: string): string {
  return `${channelId}:${id}`;
}
