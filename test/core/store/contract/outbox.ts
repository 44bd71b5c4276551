import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directChat } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;

/** The outbox: one row per key, claims with a lease, due parts in order, parts that wait for a condition. */
export function describeOutboxContract(name: string, factory: StoreFactory): void {
  describe(`${name}: outbox claims`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    const part = { type: "markdown" as const, text: "hi" };
    const item = { key: "run1:0", conversation: directChat, part };
    const leaseMs = 60_000;

    it("lets one worker send a part: a second claim finds it held until the lease ends", async () => {
      expect(await store().outbox.claim(item, t0, leaseMs)).toEqual({ type: "claimed", attempts: 0, wasUnknown: false });
      expect(await store().outbox.claim(item, t0 + 1, leaseMs)).toEqual({ type: "held", claimedUntil: t0 + leaseMs });
      expect(await store().outbox.claimDue(t0 + 1, 10, leaseMs)).toEqual([]);
      await store().outbox.markSent(item, "msg-1", t0 + 2);
      expect(await store().outbox.claim(item, t0 + 3, leaseMs)).toEqual({ type: "sent", messageId: "msg-1" });
    });

    it("marks a part whose sender died mid-send as unknown once its lease is released", async () => {
      await store().outbox.claim(item, t0, leaseMs);
      expect(await store().outbox.releaseLeases()).toBe(1);
      expect(await store().outbox.claim(item, t0 + 1, leaseMs)).toEqual({ type: "claimed", attempts: 0, wasUnknown: true });
    });

    it("hands a due part to one flush only, and a later part of the same reply only after the earlier one", async () => {
      await store().outbox.put("run1:0", directChat, part, t0);
      await store().outbox.put("run1:1", directChat, { type: "markdown", text: "more" }, t0);
      const first = await store().outbox.claimDue(t0, 10, leaseMs);
      expect(first.map((row) => row.key)).toEqual(["run1:0"]);
      expect(await store().outbox.claimDue(t0, 10, leaseMs)).toEqual([]);
      await store().outbox.markSent(item, "msg-1", t0);
      expect((await store().outbox.claimDue(t0, 10, leaseMs)).map((row) => row.key)).toEqual(["run1:1"]);
    });

    it("keeps the later parts of a reply back while an earlier part waits out a retry", async () => {
      await store().outbox.claim(item, t0, leaseMs);
      await store().outbox.markFailedAttempt(item, "429", t0 + 30_000, false, t0);
      await store().outbox.put("run1:1", directChat, { type: "markdown", text: "more" }, t0);
      expect(await store().outbox.claimDue(t0 + 1, 10, leaseMs)).toEqual([]);
      expect((await store().outbox.claimDue(t0 + 30_000, 10, leaseMs)).map((row) => row.key)).toEqual(["run1:0"]);
    });
  });

  describe(`${name}: outbox`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    const part = { type: "markdown" as const, text: "hi" };
    const item = { key: "run1:0", conversation: directChat, part };

    it("stores one row per key: a second put returns the same row", async () => {
      const first = await store().outbox.put("run1:0", directChat, part, t0);
      expect(first).toMatchObject({ key: "run1:0", status: "pending", attempts: 0, conversation: directChat, part });
      await store().outbox.markFailedAttempt(item, "502", t0 + 10, false, t0);
      const again = await store().outbox.put("run1:0", directChat, part, t0 + 5);
      expect(again).toEqual({ ...first, attempts: 1, lastError: "502", nextAttemptAt: t0 + 10 });
      expect(await store().outbox.due(t0 + 10, 10)).toHaveLength(1);
    });

    it("lets a pending part take the newer text, so a retry sends the latest", async () => {
      await store().outbox.put("run1:0", directChat, part, t0);
      const newer = { type: "markdown" as const, text: "hi, and more" };
      expect((await store().outbox.put("run1:0", directChat, newer, t0 + 5)).part).toEqual(newer);
    });

    it("remembers that a key was sent, with its message id", async () => {
      await store().outbox.markSent({ ...item, part: { type: "markdown", text: "hi there" } }, "msg-7", t0);
      expect(await store().outbox.put("run1:0", directChat, part, t0 + 1)).toMatchObject({
        status: "sent",
        messageId: "msg-7",
        part: { type: "markdown", text: "hi there" },
      });
      expect(await store().outbox.due(t0 + 1, 10)).toEqual([]);
      expect(await store().outbox.get("run1:0")).toMatchObject({ status: "sent", attempts: 1 });
    });

    it("records a first failed attempt without an earlier put", async () => {
      await store().outbox.markFailedAttempt(item, "502", t0 + 10, false, t0);
      expect(await store().outbox.get("run1:0")).toMatchObject({ status: "pending", attempts: 1, part, conversation: directChat });
    });

    it("lists a failed part as due only once its next attempt time has come", async () => {
      await store().outbox.put("run1:0", directChat, part, t0);
      await store().outbox.markFailedAttempt(item, "429", t0 + 60_000, false, t0);
      expect(await store().outbox.due(t0 + 59_999, 10)).toEqual([]);
      expect(await store().outbox.due(t0 + 60_000, 10)).toMatchObject([{ key: "run1:0", attempts: 1, lastError: "429" }]);
    });

    it("never lists a part that failed for good", async () => {
      await store().outbox.put("run1:0", directChat, part, t0);
      await store().outbox.markFailedAttempt(item, "forbidden", t0, true, t0);
      expect(await store().outbox.due(t0 + 3_600_000, 10)).toEqual([]);
      expect((await store().outbox.put("run1:0", directChat, part, t0)).status).toBe("failed");
    });
  });

  describe(`${name}: outbox parts that wait for a condition`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });
    const waitsFor = "next-inbound:weixin:owner";
    const parked = (key: string, text: string) => ({ key, conversation: { ...directChat, platform: "weixin" }, part: { type: "markdown" as const, text } });

    it("lists the parts waiting for a condition in the order they were parked, and each once", async () => {
      await store().outbox.park(parked("p2", "second"), waitsFor, t0);
      await store().outbox.park(parked("p1", "first"), waitsFor, t0 + 1);
      await store().outbox.park(parked("p1", "again"), waitsFor, t0 + 2);
      await store().outbox.park(parked("x", "other"), "next-inbound:weixin:someone-else", t0);
      expect(await store().outbox.waiting(waitsFor)).toEqual([parked("p2", "second"), parked("p1", "first")]);
    });

    it("never hands a waiting part to the flush, nor lets it hold back later parts of the conversation", async () => {
      await store().outbox.park(parked("p1", "parked"), waitsFor, t0);
      await store().outbox.put("run1:0", { ...directChat, platform: "weixin" }, { type: "markdown", text: "new answer" }, t0 + 1);
      expect((await store().outbox.due(t0 + 3_600_000, 10)).map((row) => row.key)).toEqual(["run1:0"]);
      expect((await store().outbox.claimDue(t0 + 3_600_000, 10, 60_000)).map((row) => row.key)).toEqual(["run1:0"]);
      expect(await store().outbox.waiting(waitsFor)).toHaveLength(1);
    });

    it("stops waiting once the released part is marked sent", async () => {
      await store().outbox.park(parked("p1", "first"), waitsFor, t0);
      await store().outbox.park(parked("p2", "second"), waitsFor, t0);
      await store().outbox.markSent(parked("p1", "first"), "msg-1", t0 + 5);
      expect(await store().outbox.waiting(waitsFor)).toEqual([parked("p2", "second")]);
      expect(await store().outbox.get("p1")).toMatchObject({ status: "sent", messageId: "msg-1" });
    });

    it("is seen by every connection to the store", async () => {
      await store().outbox.park(parked("p1", "first"), waitsFor, t0);
      const other = await factory.openAnother();
      expect(await other.outbox.waiting(waitsFor)).toEqual([parked("p1", "first")]);
    });
  });
}
