import { beforeEach, describe, expect, it, vi } from "vitest";
import { respond } from "../../core/responder.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { chat, recordingAdapter, runToEnd, silentLogger, streamOf, useOutbox, words } from "../support/responder.ts";

const { store, deliveryFor, dayLaterDelivery, respondWith } = useOutbox();

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
    expect(await store().outbox.due(Date.now() + 86_400_000, 10)).toEqual([]);
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
    const [row] = await store().outbox.due(Date.now() + 86_400_000, 10);
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
    const row = await store().outbox.put("fake:8:0", chat, { type: "markdown", text: "Hello" }, Date.now());
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
