import { afterEach, beforeEach, vi } from "vitest";
import { createDelivery, type Delivery } from "../../core/delivery.ts";
import { createMetrics } from "../../core/metrics.ts";
import { respond } from "../../core/responder.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { Adapter, SentMessage } from "../../core/types/adapter.ts";
import type { AgentEvent } from "../../core/types/agent.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { silentLogger } from "./recording-logger.ts";

/** The responder's tests: a recording adapter, paced agent streams, and deliveries over a fresh outbox per test. */

export { silentLogger };
export const chat: ConversationRef = { platform: "fake", chatId: "c1", kind: "direct" };

export interface Call {
  kind: "send" | "edit";
  messageId: string;
  text: string;
  at: number;
}

export interface RecordingOptions {
  maxTextLength?: number;
  minEditIntervalMs?: number;
  canEdit?: boolean;
  /** Called before each send attempt (1-based); a thrown error makes the send fail. */
  beforeSend?: (attempt: number) => void;
}

/** An adapter that records what reached the "platform": every send and edit, with the time it happened. */
export function recordingAdapter(options: RecordingOptions = {}) {
  const calls: Call[] = [];
  let sendAttempts = 0;
  const textOf = (part: ReplyPart) => ("text" in part ? part.text : part.type);
  const adapter: Adapter = {
    platform: "fake",
    capabilities: {
      maxTextLength: options.maxTextLength ?? 4096,
      minEditIntervalMs: options.minEditIntervalMs ?? 100,
      hasButtons: true,
      hasVoiceOut: false,
    },
    start: async () => {},
    stop: async () => {},
    health: () => ({ state: "ready" }),
    fetchMedia: async () => {
      throw new BridgeError("unsupported", "no media here");
    },
    async send(to, part) {
      sendAttempts += 1;
      options.beforeSend?.(sendAttempts);
      const messageId = `m${calls.filter((call) => call.kind === "send").length + 1}`;
      calls.push({ kind: "send", messageId, text: textOf(part), at: Date.now() });
      return { conversation: to, messageId };
    },
  };
  if (options.canEdit !== false) {
    adapter.edit = async (sent: SentMessage, part: ReplyPart) => {
      calls.push({ kind: "edit", messageId: sent.messageId, text: textOf(part), at: Date.now() });
    };
  }
  /** What each message shows now, by message id. */
  const shown = () => {
    const latest = new Map<string, string>();
    for (const call of calls) latest.set(call.messageId, call.text);
    return [...latest.values()];
  };
  return { adapter, calls, shown, sends: () => calls.filter((call) => call.kind === "send"), attempts: () => sendAttempts };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function* streamOf(pieces: readonly string[], gapMs: number): AsyncGenerator<AgentEvent> {
  for (const text of pieces) {
    await delay(gapMs);
    yield { type: "text-delta", text };
  }
  yield { type: "done" };
}

export const words = (count: number) => Array.from({ length: count }, (_, index) => (index === 0 ? "word0" : ` word${index}`));

/** Runs a promise to completion under fake timers, advancing the clock in small steps. */
export async function runToEnd<T>(promise: Promise<T>): Promise<T> {
  let isSettled = false;
  promise.then(
    () => (isSettled = true),
    () => (isSettled = true),
  );
  while (!isSettled) await vi.advanceTimersByTimeAsync(5);
  return promise;
}

/** A fresh in-memory store per test (fake timers undone after each), and deliveries over its outbox. */
export function useOutbox() {
  let store: Store;
  beforeEach(() => {
    store = createSqliteStore(":memory:");
  });
  afterEach(() => {
    vi.useRealTimers();
    store.close();
  });

  function deliveryFor(adapter: Adapter, overrides: { retries?: number } = {}): Delivery {
    return createDelivery({
      adapters: new Map([[adapter.platform, adapter]]),
      outbox: store.outbox,
      logger: silentLogger,
      metrics: createMetrics(async () => 0),
      retries: overrides.retries ?? 2,
      minRetryDelayMs: 1,
    });
  }

  /** The background flush a day later, when every failed part is due again. */
  function dayLaterDelivery(adapter: Adapter): Delivery {
    return createDelivery({
      adapters: new Map([[adapter.platform, adapter]]),
      outbox: store.outbox,
      logger: silentLogger,
      metrics: createMetrics(async () => 0),
      now: () => Date.now() + 86_400_000,
    });
  }

  function respondWith(adapter: Adapter, events: AsyncIterable<AgentEvent>, keyBase = "fake:1", signal = new AbortController().signal) {
    return respond({ adapter, delivery: deliveryFor(adapter), logger: silentLogger }, chat, keyBase, events, signal);
  }

  return { store: () => store, deliveryFor, dayLaterDelivery, respondWith };
}
