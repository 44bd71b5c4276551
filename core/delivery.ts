import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";
import { channelLabels, type Metrics } from "./metrics.ts";
import type { OutboxPart, OutboxStore } from "./store/store.ts";
import type { Adapter, EditOptions, SendOptions, SentMessage } from "./types/adapter.ts";
import { channelOf, type ConversationRef } from "./types/conversation.ts";
import { assertNever, BridgeError, toBridgeError } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";
import type { ReplyPart } from "./types/reply.ts";
import { sendPrepared } from "./render/fallbacks.ts";
import { withStoredMedia, type MediaCopies } from "./stored-media.ts";
import { clip, noTracer, traceKeyOfPart, type SpanAttributes, type Tracer } from "./trace.ts";

export interface DeliveryOptions {
  adapters: ReadonlyMap<string, Adapter>;
  outbox: OutboxStore;
  logger: Logger;
  metrics: Metrics;
  /** Immediate retries of one send before it is left to the background flush. */
  retries?: number;
  minRetryDelayMs?: number;
  /** Rounds of sending (one immediate, then background flushes) before a part is marked failed. */
  maxRounds?: number;
  /** A platform's `retry_after` up to this long is waited out in place; a longer one moves the part to the outbox. */
  maxInlineWaitMs?: number;
  /** How long a claimed part belongs to the worker sending it (longer than any one send may take). */
  leaseMs?: number;
  /** Each part's send, retry or parking becomes a `send` span of the message it answers. */
  tracer?: Tracer;
  /**
   * On a store several processes share: local files a part carries are copied into it before the part's row is
   * written, so whichever process retries the part can send it. Absent (SQLite, one process): parts keep their paths.
   */
  mediaCopies?: MediaCopies;
  now?: () => number;
}

/** Sends reply parts through the outbox: at most once per idempotency key, retried with backoff. */
export interface Delivery {
  /** Sends the part unless the key was sent before; undefined when the send failed for now. */
  send(key: string, to: ConversationRef, part: ReplyPart, options?: SendOptions): Promise<Delivered | undefined>;
  /** Stores the part for the background flush without trying it now (it must wait for an earlier part). */
  enqueue(key: string, to: ConversationRef, part: ReplyPart): Promise<void>;
  /** Edits a message sent under `key`; failures are logged, the next edit or the final one carries the text. */
  edit(key: string, sent: SentMessage, part: ReplyPart, options?: EditOptions): Promise<void>;
  /**
   * Retries parts whose earlier sends failed (after a crash or an outage). Single-flight: a call while
   * a flush runs joins it. Each part is claimed before it is sent, so another flush (or process) skips it.
   */
  flushDue(signal?: AbortSignal): Promise<number>;
}

export interface Delivered {
  sent: SentMessage;
  /** The key had been sent already (a re-run after a crash): nothing new went out. */
  wasSentBefore: boolean;
  /**
   * An earlier send of the key was cut off before it was recorded: a platform that dedupes by the key (Feishu, Discord)
   * returned the message that send made, with its text, so a streamed message needs an edit to show the current one.
   */
  wasCutOffBefore?: boolean;
}

const retryableCodes = new Set(["rate-limited", "upstream", "timeout", "internal"]);

/** The options with their defaults filled in, shared by the functions below. */
interface DeliveryContext {
  adapters: ReadonlyMap<string, Adapter>;
  outbox: OutboxStore;
  logger: Logger;
  metrics: Metrics;
  retries: number;
  minRetryDelayMs: number;
  maxRounds: number;
  maxInlineWaitMs: number;
  leaseMs: number;
  tracer: Tracer;
  mediaCopies: MediaCopies | undefined;
  now: () => number;
}

function contextOf(options: DeliveryOptions): DeliveryContext {
  return {
    adapters: options.adapters,
    outbox: options.outbox,
    logger: options.logger,
    metrics: options.metrics,
    retries: options.retries ?? 3,
    minRetryDelayMs: options.minRetryDelayMs ?? 500,
    maxRounds: options.maxRounds ?? 8,
    maxInlineWaitMs: options.maxInlineWaitMs ?? 5000,
    leaseMs: options.leaseMs ?? 60_000,
    tracer: options.tracer ?? noTracer,
    mediaCopies: options.mediaCopies,
    now: options.now ?? Date.now,
  };
}

function adapterFor(context: DeliveryContext, to: ConversationRef): Adapter {
  const adapter = context.adapters.get(channelOf(to));
  if (!adapter) throw new BridgeError("internal", `No adapter for channel ${channelOf(to)}`);
  return adapter;
}

/** A `send` span under the message the part answers: sent, sent before, retrying, failed or parked. */
function traceSend(context: DeliveryContext, key: string, part: ReplyPart, startedAt: number, outcome: string, more: SpanAttributes = {}): void {
  const { traceKey, part: name } = traceKeyOfPart(key);
  const status = outcome === "retrying" || outcome === "failed" ? "error" : "ok";
  context.tracer.record({ traceKey, name: "send", startedAt, endedAt: context.tracer.now(), status, attributes: { part: name, type: part.type, outcome, ...more } });
}

/** Retries in place: retryable codes only, a short `retry_after` waited out, a long one left to the outbox. */
function withRetry<T>(context: DeliveryContext, work: () => Promise<T>): Promise<T> {
  const { maxInlineWaitMs } = context;
  return pRetry(work, {
    retries: context.retries,
    minTimeout: context.minRetryDelayMs,
    shouldRetry: ({ error }) => retryableCodes.has(toBridgeError(error).code) && (toBridgeError(error).retryAfterMs ?? 0) <= maxInlineWaitMs,
    onFailedAttempt: async ({ error }) => {
      const retryAfterMs = toBridgeError(error).retryAfterMs;
      if (retryAfterMs && retryAfterMs <= maxInlineWaitMs) await sleep(retryAfterMs);
    },
  });
}

/**
 * One round of sending a claimed part. `isPartial` applies to the immediate send only (a part retried later from the
 * outbox is sent whole); the idempotency key goes with every attempt, the immediate one and the flush's.
 */
async function attempt(context: DeliveryContext, row: OutboxPart & { attempts: number }, options?: SendOptions): Promise<SentMessage | undefined> {
  const { outbox, now } = context;
  const startedAt = context.tracer.now();
  const sendOptions: SendOptions = { ...options, idempotencyKey: row.key };
  let sent: SentMessage;
  try {
    sent = await withRetry(context, () => sendPrepared(adapterFor(context, row.conversation), row.conversation, row.part, sendOptions));
  } catch (thrown) {
    const error = toBridgeError(thrown);
    const isFinal = row.attempts + 1 >= context.maxRounds || !retryableCodes.has(error.code);
    const backoffMs = Math.min(60_000 * 2 ** Math.min(row.attempts, 6), 3_600_000);
    const nextAttemptAt = now() + Math.max(backoffMs, error.retryAfterMs ?? 0);
    traceSend(context, row.key, row.part, startedAt, isFinal ? "failed" : "retrying", {
      attempt: row.attempts + 1, error: clip(error.message), ...(isFinal ? {} : { nextAttemptAt }),
    });
    await outbox.markFailedAttempt(row, error.message, nextAttemptAt, isFinal, now());
    context.metrics.errors.inc({ code: error.code });
    context.logger.error({ err: error, key: row.key, isFinal }, "send failed");
    return undefined;
  }
  await recordSent(context, row, sent);
  context.metrics.messagesOut.inc(channelLabels(row.conversation));
  // A platform that answers only inside a reply window (ClawBot, QQ) parks the part for the chat's next message.
  traceSend(context, row.key, row.part, startedAt, sent.messageId.startsWith("parked:") ? "parked" : "sent", { attempt: row.attempts + 1 });
  return sent;
}

/**
 * Records a part the platform took. The part went out: a store that fails now (a restart, no free connection) is
 * asked again for a while, and never makes the part look unsent (which would send it again). Still failing, the
 * row keeps its claim: only once that runs out may another worker take the part, as after a crash mid-send.
 */
async function recordSent(context: DeliveryContext, row: OutboxPart, sent: SentMessage): Promise<void> {
  try {
    await pRetry(() => context.outbox.markSent(row, sent.messageId, context.now()), { retries: 6, minTimeout: 100, maxTimeout: 5_000 });
  } catch (error) {
    context.logger.error({ err: error, key: row.key }, "a sent part could not be recorded as sent; once its claim runs out it may be sent again");
  }
}

/** The part as its outbox row keeps it: with its local files copied into a shared store. */
const storable = (context: DeliveryContext, part: ReplyPart): Promise<ReplyPart> =>
  context.mediaCopies ? withStoredMedia(part, context.mediaCopies, context.now()) : Promise.resolve(part);

/** Claims the key, then sends, or returns what was sent under it before. */
async function sendOnce(context: DeliveryContext, key: string, to: ConversationRef, given: ReplyPart, options?: SendOptions): Promise<Delivered | undefined> {
  const { outbox, now } = context;
  const part = await storable(context, given);
  // The claim is written before the send: a crash from here on leaves the part marked as cut off mid-send.
  for (;;) {
    const claim = await outbox.claim({ key, conversation: to, part }, now(), context.leaseMs);
    switch (claim.type) {
      case "sent":
        traceSend(context, key, part, context.tracer.now(), "sent-before");
        return { sent: { conversation: to, messageId: claim.messageId }, wasSentBefore: true };
      case "failed":
        traceSend(context, key, part, context.tracer.now(), "failed");
        return undefined;
      case "held":
        // Another worker (a flush) is sending this very part: its outcome is ours.
        await sleep(Math.min(250, Math.max(10, claim.claimedUntil - now())));
        continue;
      case "claimed": {
        if (claim.wasUnknown) context.logger.warn({ key }, "a send of this part was cut off before it was recorded; sending it again");
        const sent = await attempt(context, { key, conversation: to, part, attempts: claim.attempts }, options);
        return sent && { sent, wasSentBefore: false, ...(claim.wasUnknown ? { wasCutOffBefore: true } : {}) };
      }
      default:
        return assertNever(claim);
    }
  }
}

async function editSent(context: DeliveryContext, key: string, sent: SentMessage, part: ReplyPart, options?: EditOptions): Promise<void> {
  const adapter = adapterFor(context, sent.conversation);
  if (!adapter.edit) return;
  try {
    await withRetry(context, () => adapter.edit!(sent, part, options));
    await context.outbox.markSent({ key, conversation: sent.conversation, part }, sent.messageId, context.now());
  } catch (thrown) {
    context.logger.warn({ err: toBridgeError(thrown), key }, "edit failed");
  }
}

/** Claims due parts and sends them until nothing more is due (a part sent frees the next part of its reply). */
async function flushRounds(context: DeliveryContext, signal?: AbortSignal): Promise<number> {
  const { outbox, now, leaseMs } = context;
  let count = 0;
  for (let claimed = await outbox.claimDue(now(), 50, leaseMs); claimed.length > 0; claimed = await outbox.claimDue(now(), 50, leaseMs)) {
    for (const row of claimed) {
      if (signal?.aborted) {
        // Left for the next flush (or the next start): the claim is given back.
        await outbox.markFailedAttempt(row, "not sent: stopping", now(), false, now());
        continue;
      }
      if (row.wasUnknown) context.logger.warn({ key: row.key }, "a send of this part was cut off before it was recorded; sending it again");
      await attempt(context, row);
      count += 1;
    }
    if (signal?.aborted) break;
  }
  return count;
}

export function createDelivery(options: DeliveryOptions): Delivery {
  const context = contextOf(options);
  let flushing: Promise<number> | undefined;
  return {
    send: (key, to, part, sendOptions) => sendOnce(context, key, to, part, sendOptions),
    async enqueue(key, to, given) {
      const startedAt = context.tracer.now();
      const part = await storable(context, given);
      await context.outbox.put(key, to, part, context.now());
      traceSend(context, key, part, startedAt, "parked");
    },
    edit: (key, sent, part, editOptions) => editSent(context, key, sent, part, editOptions),
    flushDue(signal) {
      flushing ??= flushRounds(context, signal).finally(() => {
        flushing = undefined;
      });
      return flushing;
    },
  };
}
