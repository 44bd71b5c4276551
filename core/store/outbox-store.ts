import type { ConversationRef } from "../types/conversation.ts";
import type { ReplyPart } from "../types/reply.ts";

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
