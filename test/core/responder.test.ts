import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDelivery, type Delivery } from "../../core/delivery.ts";
import { createMetrics } from "../../core/metrics.ts";
import { respond } from "../../core/responder.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { Adapter, SentMessage } from "../../core/types/adapter.ts";
import type { AgentEvent } from "../../core/types/agent.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { ReplyPart } from "../../core/types/reply.ts";

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
const chat: ConversationRef = { platform: "fake", chatId: "c1", kind: "direct" };

interface Call {
  kind: "send" | "edit";
  messageId: string;
  text: string;
  at: number;
}

interface RecordingOptions {
  maxTextLength?: number;
  minEditIntervalMs?: number;
  canEdit?: boolean;
  /** Called before each send attempt (1-based); a thrown error makes the send fail. */
  beforeSend?: (attempt: number) => void;
}

/** An adapter that records what reached the "platform": every send and edit, with the time it happened. */
function recordingAdapter(options: RecordingOptions = {}) {
  const calls: Call[] = [];
  let sendAttempts = 0;
  const textOf = (part: ReplyPart) => ("text" in part ? part.text : part.type);
  const adapter: Adapter = {
    platform: "fake",
    capabilities: {
      maxTextLength: options.maxTextLength ?? 4096,
      minEditIntervalMs: options.minEditIntervalMs ?? 100,
      hasButtons: false,
      hasThreads: false,
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

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function* streamOf(pieces: readonly string[], gapMs: number): AsyncGenerator<AgentEvent> {
  for (const text of pieces) {
    await delay(gapMs);
    yield { type: "text-delta", text };
  }
  yield { type: "done" };
}

const words = (count: number) => Array.from({ length: count }, (_, index) => (index === 0 ? "word0" : ` word${index}`));

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

/** Runs a promise to completion under fake timers, advancing the clock in small steps. */
async function runToEnd<T>(promise: Promise<T>): Promise<T> {
  let isSettled = false;
  promise.then(
    () => (isSettled = true),
    () => (isSettled = true),
  );
  while (!isSettled) await vi.advanceTimersByTimeAsync(5);
  return promise;
}

describe("streaming to a platform that can edit", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  it("posts one message, then edits it until it shows the whole answer", async () => {
    const fake = recordingAdapter({ minEditIntervalMs: 100 });
    const pieces = words(12);
    const outcome = await runToEnd(respondWith(fake.adapter, streamOf(pieces, 30)));

    expect(outcome).toEqual({ text: pieces.join(""), isStopped: false });
    expect(fake.sends()).toHaveLength(1);
    expect(fake.calls.filter((call) => call.kind === "edit").length).toBeGreaterThan(1);
    expect(fake.shown()).toEqual([pieces.join("")]);
  });

  it("never edits sooner than minEditIntervalMs after the previous update, the last one included", async () => {
    const fake = recordingAdapter({ minEditIntervalMs: 100 });
    await runToEnd(respondWith(fake.adapter, streamOf(words(12), 30)));

    const times = fake.calls.map((call) => call.at);
    for (let index = 1; index < times.length; index += 1) {
      expect(times[index]! - times[index - 1]!, `update ${index}`).toBeGreaterThanOrEqual(100);
    }
  });

  it("continues past maxTextLength in a second message, split on paragraphs", async () => {
    const fake = recordingAdapter({ maxTextLength: 100, minEditIntervalMs: 50 });
    const paragraphs = Array.from({ length: 4 }, (_, index) => `Paragraph ${index} ${"blah ".repeat(10).trim()}.\n\n`);
    const outcome = await runToEnd(respondWith(fake.adapter, streamOf(paragraphs, 30)));

    expect(fake.sends().length).toBeGreaterThanOrEqual(2);
    for (const call of fake.calls) expect(call.text.length).toBeLessThanOrEqual(100);
    expect(fake.shown().join("\n\n")).toBe(outcome.text.trim());
  });
});

describe("a platform that cannot edit", () => {
  it("gets one message with the whole answer at the end", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ canEdit: false });
    const pieces = words(20);
    await runToEnd(respondWith(fake.adapter, streamOf(pieces, 30)));

    expect(fake.calls).toEqual([expect.objectContaining({ kind: "send", text: pieces.join("") })]);
  });
});

describe("a slow answer on a platform that cannot edit", () => {
  const slowAnswer = async function* (delayMs: number): AsyncGenerator<AgentEvent> {
    await delay(delayMs);
    yield { type: "text-delta", text: "the answer" };
    yield { type: "done" };
  };

  it("says once that it is working on it, then sends the answer", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ canEdit: false });
    fake.adapter.capabilities.workingNoticeAfterMs = 1000;
    await runToEnd(respondWith(fake.adapter, slowAnswer(3000)));

    expect(fake.calls.map((call) => call.text)).toEqual(["⏳ Working on it…", "the answer"]);
    expect(fake.calls[0]!.at).toBeLessThan(fake.calls[1]!.at);
  });

  it("says nothing extra when the answer comes before the delay", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ canEdit: false });
    fake.adapter.capabilities.workingNoticeAfterMs = 1000;
    await runToEnd(respondWith(fake.adapter, slowAnswer(500)));

    expect(fake.calls.map((call) => call.text)).toEqual(["the answer"]);
  });
});

describe("a re-run after a crash", () => {
  it("edits the message sent before instead of sending it again", async () => {
    const fake = recordingAdapter();
    await respondWith(fake.adapter, streamOf(["Hello, wor"], 0), "fake:42");
    expect(fake.sends()).toHaveLength(1);

    await respondWith(fake.adapter, streamOf(["Hello, ", "world!"], 0), "fake:42");
    expect(fake.sends()).toHaveLength(1);
    expect(fake.shown()).toEqual(["Hello, world!"]);
  });

  it("sends nothing again on a platform that cannot edit", async () => {
    const fake = recordingAdapter({ canEdit: false });
    await respondWith(fake.adapter, streamOf(["Hello"], 0), "fake:42");
    await respondWith(fake.adapter, streamOf(["Hello"], 0), "fake:42");
    expect(fake.calls).toHaveLength(1);
  });
});

describe("a rate-limited send", () => {
  it("is retried after the time the platform asked for, and succeeds", async () => {
    const attemptTimes: number[] = [];
    const fake = recordingAdapter({
      canEdit: false,
      beforeSend: (attempt) => {
        attemptTimes.push(Date.now());
        if (attempt === 1) throw new BridgeError("rate-limited", "Too Many Requests", { retryAfterMs: 40 });
      },
    });
    await respondWith(fake.adapter, streamOf(["Hello"], 0));

    expect(fake.attempts()).toBe(2);
    expect(attemptTimes[1]! - attemptTimes[0]!).toBeGreaterThanOrEqual(35);
    expect(fake.shown()).toEqual(["Hello"]);
    expect(await store.outbox.due(Date.now() + 86_400_000, 10)).toEqual([]);
  });
});

describe("a send that keeps failing", () => {
  it("leaves the part pending in the outbox and does not throw", async () => {
    const fake = recordingAdapter({
      canEdit: false,
      beforeSend: () => {
        throw new BridgeError("upstream", "502 Bad Gateway");
      },
    });
    const outcome = await respondWith(fake.adapter, streamOf(["Hello"], 0), "fake:7");

    expect(outcome.text).toBe("Hello");
    expect(fake.calls).toEqual([]);
    expect(fake.attempts()).toBe(3);
    const [row] = await store.outbox.due(Date.now() + 86_400_000, 10);
    expect(row).toMatchObject({ key: "fake:7:0", status: "pending", attempts: 1, lastError: "502 Bad Gateway" });
  });

  it("marks the part failed when the error is not worth retrying", async () => {
    const fake = recordingAdapter({
      canEdit: false,
      beforeSend: () => {
        throw new BridgeError("unauthorized", "bot was blocked by the user");
      },
    });
    await expect(respondWith(fake.adapter, streamOf(["Hello"], 0), "fake:8")).resolves.toMatchObject({ text: "Hello" });

    expect(fake.attempts()).toBe(1);
    const row = await store.outbox.put("fake:8:0", chat, { type: "markdown", text: "Hello" }, Date.now());
    expect(row).toMatchObject({ status: "failed", lastError: "bot was blocked by the user" });
  });

  it("is sent later by the outbox flush with the whole answer, not the first streamed words", async () => {
    let isDown = true;
    const fake = recordingAdapter({
      beforeSend: () => {
        if (isDown) throw new BridgeError("upstream", "502 Bad Gateway");
      },
    });
    const delivery = deliveryFor(fake.adapter, { retries: 0 });
    vi.useFakeTimers();
    await runToEnd(
      respond({ adapter: fake.adapter, delivery, logger: silentLogger }, chat, "fake:9", streamOf(words(12), 30), new AbortController().signal),
    );
    vi.useRealTimers();
    expect(fake.calls).toEqual([]);

    isDown = false;
    const flushing = dayLaterDelivery(fake.adapter);
    expect(await flushing.flushDue()).toBe(1);
    expect(fake.shown()).toEqual([words(12).join("")]);
  });

  it("keeps every piece of a long answer for the flush, in order, when the platform is down at the end", async () => {
    let isDown = true;
    const fake = recordingAdapter({
      canEdit: false,
      maxTextLength: 40,
      beforeSend: () => {
        if (isDown) throw new BridgeError("upstream", "502 Bad Gateway");
      },
    });
    const paragraphs = ["First paragraph of the answer.", "Second paragraph of the answer.", "Third paragraph here."];
    await respond(
      { adapter: fake.adapter, delivery: deliveryFor(fake.adapter, { retries: 0 }), logger: silentLogger },
      chat,
      "fake:10",
      streamOf([paragraphs.join("\n\n")], 0),
      new AbortController().signal,
    );
    expect(fake.calls).toEqual([]);

    isDown = false;
    const flushing = dayLaterDelivery(fake.adapter);
    expect(await flushing.flushDue()).toBe(3);
    expect(fake.shown()).toEqual(paragraphs);
  });
});

describe("a stopped run", () => {
  it("keeps what was said so far, marked as cut off", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const outcome = await runToEnd(respondWith(fake.adapter, streamOf(words(20), 30), "fake:1", controller.signal));

    expect(outcome.isStopped).toBe(true);
    expect(outcome.text).toBe("word0 word1 word2 …");
    expect(fake.shown()).toEqual(["word0 word1 word2 …"]);
  });
});

describe("the typing indicator", () => {
  async function* slowStart(firstAfterMs: number): AsyncGenerator<AgentEvent> {
    await delay(firstAfterMs);
    yield { type: "text-delta", text: "here it is" };
    await delay(firstAfterMs);
    yield { type: "text-delta", text: ", and more" };
    yield { type: "done" };
  }

  function withTyping() {
    const fake = recordingAdapter({ minEditIntervalMs: 0 });
    const typingAt: number[] = [];
    fake.adapter.showTyping = async () => {
      typingAt.push(Date.now());
    };
    return { fake, typing: () => typingAt.length, typingAt };
  }

  it("is not shown for an answer that comes at once", async () => {
    const { fake, typing } = withTyping();
    await respond({ adapter: fake.adapter, delivery: deliveryFor(fake.adapter), logger: silentLogger, typingDelayMs: 100 }, chat, "fake:t1", streamOf(["quick"], 0), new AbortController().signal);
    expect(typing()).toBe(0);
    expect(fake.shown()).toEqual(["quick"]);
  });

  it("is shown while nothing is visible yet, and not once the answer streams", async () => {
    const { fake, typing, typingAt } = withTyping();
    await respond(
      { adapter: fake.adapter, delivery: deliveryFor(fake.adapter), logger: silentLogger, typingDelayMs: 20, typingIntervalMs: 50 },
      chat,
      "fake:t2",
      slowStart(300),
      new AbortController().signal,
    );
    expect(typing()).toBeGreaterThanOrEqual(2);
    expect(typing()).toBeLessThanOrEqual(8);
    expect(fake.shown()).toEqual(["here it is, and more"]);
    const firstSendAt = fake.sends()[0]!.at;
    expect(typingAt.every((at) => at <= firstSendAt)).toBe(true);
  });
});

describe("a platform whose streams stay open until the final edit (needsFinalEdit)", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  /** Records the send and edit options the responder passes. */
  function openStreamAdapter(needsFinalEdit: boolean) {
    const fake = recordingAdapter({ minEditIntervalMs: 100 });
    const options: { kind: "send" | "edit"; isPartial?: boolean; isFinal?: boolean }[] = [];
    const send = fake.adapter.send.bind(fake.adapter);
    const edit = fake.adapter.edit!.bind(fake.adapter);
    fake.adapter.capabilities.needsFinalEdit = needsFinalEdit;
    fake.adapter.send = async (to, part, sendOptions) => {
      options.push({ kind: "send", isPartial: sendOptions?.isPartial });
      return send(to, part);
    };
    fake.adapter.edit = async (sent, part, editOptions) => {
      options.push({ kind: "edit", isFinal: editOptions?.isFinal });
      return edit(sent, part);
    };
    return { ...fake, options };
  }

  it("sends the first part as partial and ends with one edit marked final, even when the text did not change", async () => {
    const fake = openStreamAdapter(true);
    // The last piece arrives long after the previous sync: the final sync has nothing new to show.
    await runToEnd(respondWith(fake.adapter, streamOf(words(3), 150)));
    expect(fake.options[0]).toEqual({ kind: "send", isPartial: true });
    expect(fake.options.at(-1)).toEqual({ kind: "edit", isFinal: true });
    expect(fake.options.filter((option) => option.isFinal)).toHaveLength(1);
    expect(fake.shown()).toEqual([words(3).join("")]);
  });

  it("an answer that comes at once is one whole send, not a partial one", async () => {
    const fake = openStreamAdapter(true);
    await runToEnd(respondWith(fake.adapter, streamOf(["all at once"], 0)));
    expect(fake.options).toEqual([{ kind: "send", isPartial: false }]);
  });

  it("the final edit comes even when the last sync already showed the whole text", async () => {
    const fake = openStreamAdapter(true);
    await runToEnd(respondWith(fake.adapter, (async function* () {
      yield { type: "text-delta" as const, text: "done" };
      await delay(300);
      yield { type: "done" as const };
    })()));
    expect(fake.options).toEqual([{ kind: "send", isPartial: true }, { kind: "edit", isFinal: true }]);
  });

  it("other platforms get no edit when the final text is unchanged", async () => {
    const fake = openStreamAdapter(false);
    await runToEnd(respondWith(fake.adapter, (async function* () {
      yield { type: "text-delta" as const, text: "done" };
      await delay(300);
      yield { type: "done" as const };
    })()));
    expect(fake.options).toEqual([{ kind: "send", isPartial: true }]);
  });
});
