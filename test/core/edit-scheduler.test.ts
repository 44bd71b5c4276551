import { describe, expect, it, vi } from "vitest";
import { createEditScheduler } from "../../core/edit-scheduler.ts";
import { startWaitingSignals } from "../../core/waiting-signals.ts";
import type { SentMessage } from "../../core/types/adapter.ts";
import { chat, recordingAdapter, silentLogger, useOutbox } from "../support/responder.ts";

describe("the edit scheduler", () => {
  const outbox = useOutbox();

  it("posts once, then edits no sooner than the platform's interval, with the latest text", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ minEditIntervalMs: 1000 });
    let text = "one";
    const edits = createEditScheduler({ adapter: fake.adapter, delivery: outbox.deliveryFor(fake.adapter), to: chat, keyBase: "fake:t1", content: () => text, onSent: () => {} });
    edits.request();
    await vi.advanceTimersByTimeAsync(0);
    text = "one two";
    edits.request();
    text = "one two three";
    edits.request();
    await vi.advanceTimersByTimeAsync(999);
    expect(fake.calls.map((call) => call.kind)).toEqual(["send"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.calls.map((call) => [call.kind, call.text])).toEqual([["send", "one"], ["edit", "one two three"]]);
    await edits.quiesce();
  });

  it("sends the whole text at the end on a platform that cannot edit, split past its length", async () => {
    const fake = recordingAdapter({ canEdit: false, maxTextLength: 20 });
    const sent: number[] = [];
    const edits = createEditScheduler({
      adapter: fake.adapter, delivery: outbox.deliveryFor(fake.adapter), to: chat, keyBase: "fake:t1",
      content: () => "first paragraph here\n\nsecond paragraph", onSent: () => sent.push(1),
    });
    edits.request();
    expect(fake.calls).toEqual([]);
    await edits.finish(false);
    expect(fake.sends().map((call) => call.text)).toEqual(["first paragraph here", "second paragraph"]);
    expect(sent).toHaveLength(2);
  });

  it("sends no new message once fenced (its run lost the conversation's lease), while the final wait was going", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ minEditIntervalMs: 1000, maxTextLength: 20 });
    let text = "first paragraph here";
    let isFenced = false;
    const edits = createEditScheduler({
      adapter: fake.adapter, delivery: outbox.deliveryFor(fake.adapter), to: chat, keyBase: "fake:t1",
      content: () => text, onSent: () => {}, isFenced: () => isFenced,
    });
    edits.request();
    await vi.advanceTimersByTimeAsync(0);
    text = "first paragraph here\n\nsecond paragraph";
    const finished = edits.finish(false);
    await vi.advanceTimersByTimeAsync(500);
    isFenced = true;
    await vi.advanceTimersByTimeAsync(500);
    await finished;
    expect(fake.sends().map((call) => call.text)).toEqual(["first paragraph here"]);
  });
});

describe("waiting signals", () => {
  it("shows typing after the delay and renews it, until stopped", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter();
    let typing = 0;
    fake.adapter.showTyping = async () => void (typing += 1);
    const signals = startWaitingSignals({
      adapter: fake.adapter, delivery: undefined as never, logger: silentLogger, to: chat, keyBase: "fake:t1",
      hasReplied: () => false, typingDelayMs: 300, typingIntervalMs: 4000,
    });
    await vi.advanceTimersByTimeAsync(299);
    expect(typing).toBe(0);
    await vi.advanceTimersByTimeAsync(1 + 4000);
    expect(typing).toBe(2);
    await signals.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(typing).toBe(2);
    vi.useRealTimers();
  });

  it("says once that a slow answer is coming on a platform that cannot stream, unless part of it was sent", async () => {
    vi.useFakeTimers();
    const fake = recordingAdapter({ canEdit: false });
    fake.adapter.capabilities.workingNoticeAfterMs = 1000;
    const notices: string[] = [];
    const delivery = { send: async (key: string) => void notices.push(key) } as never;
    const slow = startWaitingSignals({ adapter: fake.adapter, delivery, logger: silentLogger, to: chat, keyBase: "fake:t1", hasReplied: () => false });
    const quick = startWaitingSignals({ adapter: fake.adapter, delivery, logger: silentLogger, to: chat, keyBase: "fake:t2", hasReplied: () => true });
    await vi.advanceTimersByTimeAsync(5000);
    await slow.stop();
    await quick.stop();
    expect(notices).toEqual(["fake:t1:working"]);
    vi.useRealTimers();
  });
});

describe("the edit scheduler after a send cut off by a crash", () => {
  const outbox = useOutbox();

  it("edits the message in the current text when the platform returned the one the first run sent (it dedupes by key)", async () => {
    const fake = recordingAdapter();
    // A platform that dedupes by client key (Feishu, Discord): a repeated key returns the first message as it was.
    const firstByKey = new Map<string, SentMessage>();
    const send = fake.adapter.send.bind(fake.adapter);
    fake.adapter.send = async (to, part, options) => {
      const earlier = options?.idempotencyKey === undefined ? undefined : firstByKey.get(options.idempotencyKey);
      if (earlier) return earlier;
      const sent = await send(to, part, options);
      if (options?.idempotencyKey !== undefined) firstByKey.set(options.idempotencyKey, sent);
      return sent;
    };
    // The first run sent the start of the answer, and died before the outbox recorded it.
    const partial = { type: "markdown" as const, text: "the start" };
    await outbox.store().outbox.claim({ key: "fake:t1:0", conversation: chat, part: partial }, Date.now(), 60_000);
    await fake.adapter.send(chat, partial, { idempotencyKey: "fake:t1:0" });
    await outbox.store().outbox.releaseLeases();

    const edits = createEditScheduler({ adapter: fake.adapter, delivery: outbox.deliveryFor(fake.adapter), to: chat, keyBase: "fake:t1", content: () => "the start and the rest", onSent: () => {} });
    await edits.finish(true);
    expect(fake.shown()).toEqual(["the start and the rest"]);
  });
});
