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
}

const retryableCodes = new Set(["rate-limited", "upstream", "timeout", "internal"]);


export function createDelivery(options: DeliveryOptions): Delivery {
  const { adapters, outbox, logger, metrics } = options;
  const retries = options.retries ?? 3;
  const minRetryDelayMs = options.minRetryDelayMs ?? 500;
  const maxRounds = options.maxRounds ?? 8;
  const maxInlineWaitMs = options.maxInlineWaitMs ?? 5000;
  const leaseMs = options.leaseMs ?? 60_000;
  const now = options.now ?? Date.now;
  let flushing: Promise<number> | undefined;

  const adapterFor = (to: ConversationRef): Adapter => {
    const adapter = adapters.get(channelOf(to));
    if (!adapter) throw new BridgeError("internal", `No adapter for channel ${channelOf(to)}`);
    return adapter;
  };

  const withRetry = <T>(work: () => Promise<T>) =>
    pRetry(work, {
      retries,
      minTimeout: minRetryDelayMs,
      shouldRetry: ({ error }) => retryableCodes.has(toBridgeError(error).code) && (toBridgeError(error).retryAfterMs ?? 0) <= maxInlineWaitMs,
      onFailedAttempt: async ({ error }) => {
        const retryAfterMs = toBridgeError(error).retryAfterMs;
        if (retryAfterMs && retryAfterMs <= maxInlineWaitMs) await sleep(retryAfterMs);
      },
    });

  /** `options` apply to the immediate send only: a part retried later from the outbox is sent whole. */
  const attempt = async (row: OutboxPart & { attempts: number }, options?: SendOptions): Promise<SentMessage | undefined> => {
    try {
      const sent = await withRetry(() => sendPrepared(adapterFor(row.conversation), row.conversation, row.part, options));
      await outbox.markSent(row, sent.messageId, now());
      metrics.messagesOut.inc(channelLabels(row.conversation));
      return sent;
    } catch (thrown) {
      const error = toBridgeError(thrown);
      const isFinal = row.attempts + 1 >= maxRounds || !retryableCodes.has(error.code);
      const backoffMs = Math.min(60_000 * 2 ** Math.min(row.attempts, 6), 3_600_000);
      await outbox.markFailedAttempt(row, error.message, now() + Math.max(backoffMs, error.retryAfterMs ?? 0), isFinal, now());
      metrics.errors.inc({ code: error.code });
      logger.error({ err: error, key: row.key, isFinal }, "send failed");
      return undefined;
    }
  };

  return {
    async send(key, to, part, options) {
      // The claim is written before the send: a crash from here on leaves the part marked as cut off mid-send.
      for (;;) {
        const claim = await outbox.claim({ key, conversation: to, part }, now(), leaseMs);
        switch (claim.type) {
          case "sent":
            return { sent: { conversation: to, messageId: claim.messageId }, wasSentBefore: true };
          case "failed":
            return undefined;
          case "held":
            // Another worker (a flush) is sending this very part: its outcome is ours.
            await sleep(Math.min(250, Math.max(10, claim.claimedUntil - now())));
            continue;
          case "claimed": {
            if (claim.wasUnknown) logger.warn({ key }, "a send of this part was cut off before it was recorded; sending it again");
            const sent = await attempt({ key, conversation: to, part, attempts: claim.attempts }, options);
            return sent && { sent, wasSentBefore: false };
          }
          default:
            return assertNever(claim);
        }
      }
    },
    async enqueue(key, to, part) {
      await outbox.put(key, to, part, now());
    },
    async edit(key, sent, part, options) {
      const adapter = adapterFor(sent.conversation);
      if (!adapter.edit) return;
      try {
        await withRetry(() => adapter.edit!(sent, part, options));
        await outbox.markSent({ key, conversation: sent.conversation, part }, sent.messageId, now());
      } catch (thrown) {
        logger.warn({ err: toBridgeError(thrown), key }, "edit failed");
      }
    },
    flushDue(signal) {
      flushing ??= (async () => {
        try {
          let count = 0;
          // A part sent frees the next part of its reply: claim again until nothing more is due.
          for (let claimed = await outbox.claimDue(now(), 50, leaseMs); claimed.length > 0; claimed = await outbox.claimDue(now(), 50, leaseMs)) {
            for (const row of claimed) {
              if (signal?.aborted) {
                // Left for the next flush (or the next start): the claim is given back.
                await outbox.markFailedAttempt(row, "not sent: stopping", now(), false, now());
                continue;
              }
              if (row.wasUnknown) logger.warn({ key: row.key }, "a send of this part was cut off before it was recorded; sending it again");
              await attempt(row);
              count += 1;
            }
            if (signal?.aborted) break;
          }
          return count;
        } finally {
          flushing = undefined;
        }
      })();
      return flushing;
    },
  };
}
