import { describe, expect, it } from "vitest";
import { createDelivery } from "../../core/delivery.ts";
import { createMetrics } from "../../core/metrics.ts";
import type { OutboxStore } from "../../core/store/store.ts";
import type { Adapter, SendOptions } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { chat, delay, recordingAdapter, silentLogger, useOutbox } from "../support/responder.ts";

const part = { type: "markdown" as const, text: "the answer" };

function deliveryOver(adapter: Adapter, outbox: OutboxStore, dayLater = false) {
  return createDelivery({
    adapters: new Map([[adapter.platform, adapter]]),
    outbox,
    logger: silentLogger,
    metrics: createMetrics(async () => 0),
    retries: 0,
    minRetryDelayMs: 1,
    maxInlineWaitMs: 1000,
    ...(dayLater ? { now: () => Date.now() + 86_400_000 } : {}),
  });
}

/** A platform whose sends take `sendMs` each. */
function slowAdapter(sendMs: number) {
  const fake = recordingAdapter();
  const send = fake.adapter.send.bind(fake.adapter);
  fake.adapter.send = async (to, sentPart) => {
    await delay(sendMs);
    return send(to, sentPart);
  };
  return fake;
}

describe("delivery: each part reaches the platform once", () => {
  const outbox = useOutbox();

  it("sends a due part once when two flushes overlap against a slow platform", async () => {
    const fake = slowAdapter(150);
    await outbox.store().outbox.put("turn1:0", chat, part, Date.now());
    // Two gateways' timers, or one timer firing while the last flush is still waiting on the platform.
    const first = deliveryOver(fake.adapter, outbox.store().outbox, true);
    const second = deliveryOver(fake.adapter, outbox.store().outbox, true);
    const counts = await Promise.all([first.flushDue(), delay(20).then(() => second.flushDue()), delay(40).then(() => first.flushDue())]);
    expect(fake.sends().map((call) => call.text)).toEqual(["the answer"]);
    // The second gateway found the part claimed; the timer's second call joined the flush under way.
    expect(counts).toEqual([1, 0, 1]);
    expect(await outbox.store().outbox.get("turn1:0")).toMatchObject({ status: "sent", messageId: "m1" });
  });

  it("does not send a part that a flush is sending: the reply's own send waits and takes its outcome", async () => {
    const fake = slowAdapter(150);
    await outbox.store().outbox.put("turn1:0", chat, part, Date.now());
    const delivery = deliveryOver(fake.adapter, outbox.store().outbox, true);
    const flushing = delivery.flushDue();
    await delay(20);
    const delivered = await delivery.send("turn1:0", chat, part);
    await flushing;
    expect(fake.sends()).toHaveLength(1);
    expect(delivered).toEqual({ sent: { conversation: chat, messageId: "m1" }, wasSentBefore: true });
  });

  it("moves a long retry_after to the outbox instead of holding the conversation", async () => {
    const fake = recordingAdapter({
      beforeSend: (attempt) => {
        if (attempt === 1) throw new BridgeError("rate-limited", "429", { retryAfterMs: 30_000 });
      },
    });
    const delivery = deliveryOver(fake.adapter, outbox.store().outbox);
    // Not waited out in place (the test would time out): the part waits in the outbox, the turn goes on.
    expect(await delivery.send("turn1:0", chat, part)).toBeUndefined();
    expect(fake.attempts()).toBe(1);
    expect(await outbox.store().outbox.get("turn1:0")).toMatchObject({ status: "pending", attempts: 1 });
    expect(await deliveryOver(fake.adapter, outbox.store().outbox, true).flushDue()).toBe(1);
    expect(fake.sends().map((call) => call.text)).toEqual(["the answer"]);
  });
});

describe("delivery: a part the platform took is never made to look unsent", () => {
  const outbox = useOutbox();

  it("records it once the store answers again, and a later flush sends nothing more", async () => {
    const fake = recordingAdapter();
    const store = outbox.store().outbox;
    // The database refuses twice right after the send (a restart, no free connection), then answers.
    let refusals = 2;
    const flaky: OutboxStore = Object.create(store, {
      markSent: { value: async (...args: Parameters<OutboxStore["markSent"]>) => {
        if (refusals-- > 0) throw new Error("sorry, too many clients already");
        return store.markSent(...args);
      } },
    }) as OutboxStore;
    const delivered = await deliveryOver(fake.adapter, flaky).send("turn1:0", chat, part);
    expect(delivered?.sent.messageId).toBe("m1");
    expect(await store.get("turn1:0")).toMatchObject({ status: "sent", messageId: "m1" });
    await deliveryOver(fake.adapter, store, true).flushDue();
    expect(fake.sends().map((call) => call.text)).toEqual(["the answer"]);
  });
});

describe("delivery: the part's key goes to the platform with every send", () => {
  const outbox = useOutbox();

  /** A platform that records the send options of every attempt and fails the first `failures` of them. */
  function keyRecordingAdapter(failures: number, error: () => Error) {
    const fake = recordingAdapter({ beforeSend: (attempt) => { if (attempt <= failures) throw error(); } });
    const seen: (SendOptions | undefined)[] = [];
    const send = fake.adapter.send.bind(fake.adapter);
    fake.adapter.send = async (to, sentPart, options) => {
      seen.push(options);
      return send(to, sentPart, options);
    };
    return { fake, seen };
  }

  it("passes the outbox key on the immediate send and on its retries in place, with isPartial kept", async () => {
    const { fake, seen } = keyRecordingAdapter(1, () => new BridgeError("upstream", "502"));
    const delivery = createDelivery({ adapters: new Map([["fake", fake.adapter]]), outbox: outbox.store().outbox, logger: silentLogger, metrics: createMetrics(async () => 0), retries: 1, minRetryDelayMs: 1 });
    await delivery.send("turn1:0", chat, part, { isPartial: true });
    expect(seen).toEqual([{ isPartial: true, idempotencyKey: "turn1:0" }, { isPartial: true, idempotencyKey: "turn1:0" }]);
  });

  it("passes the same key when the flush sends the part again later", async () => {
    const { fake, seen } = keyRecordingAdapter(1, () => new BridgeError("rate-limited", "429", { retryAfterMs: 30_000 }));
    expect(await deliveryOver(fake.adapter, outbox.store().outbox).send("turn1:3", chat, part, { isPartial: true })).toBeUndefined();
    expect(await deliveryOver(fake.adapter, outbox.store().outbox, true).flushDue()).toBe(1);
    // The flush sends the part whole (not partial), under the same key.
    expect(seen).toEqual([{ isPartial: true, idempotencyKey: "turn1:3" }, { idempotencyKey: "turn1:3" }]);
  });
});
