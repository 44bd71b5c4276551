import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { directChat, message } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const minute = 60_000;

/** The console's overview: counts per slice of time, zeros included, and who spent the most. */
export function describeOverviewContract(name: string, factory: StoreFactory): void {
  describe(`${name}: overview`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("counts messages in, parts sent, runs and failed runs per slice of the window, and nothing outside it", async () => {
      await store().inbox.insert(message({ id: "before" }), t0 - 1);
      await store().inbox.insert(message({ id: "1" }), t0);
      await store().inbox.insert(message({ id: "2" }), t0 + 30_000);
      await store().inbox.insert(message({ id: "3" }), t0 + 2 * minute + 5);
      await store().inbox.insert(message({ id: "after" }), t0 + 3 * minute);
      const part = { type: "markdown" as const, text: "hi" };
      await store().outbox.claim({ key: "r1:0", conversation: directChat, part }, t0 + 10, minute);
      await store().outbox.markSent({ key: "r1:0", conversation: directChat, part }, "m1", t0 + 11);
      await store().outbox.claim({ key: "r1:1", conversation: directChat, part }, t0 + 12, minute);
      const run = { conversationKey: "telegram:100", sessionId: "s", senderId: "u1", agentId: "builtin", inboxKeys: [] };
      await store().audit.startRun({ ...run, ref: "run1", startedAt: t0 + 5 });
      await store().audit.finishRun("run1", "ok", t0 + 6);
      await store().audit.startRun({ ...run, ref: "run2", startedAt: t0 + minute + 5 });
      await store().audit.finishRun("run2", "error", t0 + minute + 6, "boom");
      expect(await store().overview.activity(t0, t0 + 3 * minute, minute)).toEqual([
        { startAt: t0, inbound: 2, outbound: 1, runs: 1, errors: 0 },
        { startAt: t0 + minute, inbound: 0, outbound: 0, runs: 1, errors: 1 },
        { startAt: t0 + 2 * minute, inbound: 1, outbound: 0, runs: 0, errors: 0 },
      ]);
    });

    it("sums usage since a time and names the heaviest user and chat", async () => {
      const entry = { userRef: "telegram:u1", conversationKey: "telegram:100", model: "m", inputTokens: 100, outputTokens: 50, cachedTokens: 0, costUsd: 0.5 };
      await store().usage.record({ ...entry, at: t0 - 1, inputTokens: 10_000 });
      await store().usage.record({ ...entry, at: t0 });
      await store().usage.record({ ...entry, at: t0 + 1, userRef: "telegram:u2", inputTokens: 500 });
      const usage = await store().overview.usageSince(t0);
      expect(usage.total).toEqual({ calls: 2, inputTokens: 600, outputTokens: 100, costUsd: 1 });
      expect(usage.topUser).toEqual({ ref: "telegram:u2", tokens: 550, costUsd: 0.5 });
      expect(usage.topChat).toEqual({ ref: "telegram:100", tokens: 700, costUsd: 1 });
      expect(await store().overview.usageSince(t0 + 10)).toEqual({ total: { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }, topUser: undefined, topChat: undefined });
    });
  });
}
