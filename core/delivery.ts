import { setTimeout as sleep } from "node:timers/promises";
import pRetry from "p-retry";
import type { Metrics } from "./metrics.ts";
import type { OutboxPart, OutboxStore } from "./store/store.ts";
import type { Adapter, EditOptions, SendOptions, SentMessage } from "./types/adapter.ts";
import type { ConversationRef } from "./types/conversation.ts";
import { BridgeError, toBridgeError } from "./types/errors.ts";
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
  /** Retries parts whose earlier sends failed (after a crash or an outage). */
  flushDue(): Promise<number>;
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
  const now = options.now ?? Date.now;

  const adapterFor = (to: ConversationRef): Adapter => {
    const adapter = adapters.get(to.platform);
    if (!adapter) throw new BridgeError("internal", `No adapter for platform ${to.platform}`);
    return adapter;
  };

  const withRetry = <T>(work: () => Promise<T>) =>
    pRetry(work, {
      retries,
      minTimeout: minRetryDelayMs,
      shouldRetry: ({ error }) => retryableCodes.has(toBridgeError(error).code),
      onFailedAttempt: async ({ error }) => {
        const retryAfterMs = toBridgeError(error).retryAfterMs;
        if (retryAfterMs) await sleep(retryAfterMs);
      },
    });

  /** `options` apply to the immediate send only: a part retried later from the outbox is sent whole. */
  const attempt = async (row: OutboxPart & { attempts: number }, options?: SendOptions): Promise<SentMessage | undefined> => {
    try {
      const sent = await withRetry(() => sendPrepared(adapterFor(row.conversation), row.conversation, row.part, options));
      await outbox.markSent(row, sent.messageId, now());
      metrics.messagesOut.inc({ platform: row.conversation.platform });
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
      const row = await outbox.get(key);
      if (row?.status === "sent" && row.messageId !== undefined) {
        return { sent: { conversation: to, messageId: row.messageId }, wasSentBefore: true };
      }
      if (row?.status === "failed") return undefined;
      const sent = await attempt({ key, conversation: to, part, attempts: row?.attempts ?? 0 }, options);
      return sent && { sent, wasSentBefore: false };
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
    async flushDue() {
      const due = await outbox.due(now(), 50);
      for (const row of due) await attempt(row);
      return due.length;
    },
  };
}
