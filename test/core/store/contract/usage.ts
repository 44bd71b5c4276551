import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UsageEntry } from "../../../../core/store/store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const call = (overrides: Partial<UsageEntry>): UsageEntry => ({
  at: t0, userRef: "telegram:u1", conversationKey: "telegram:100", model: "m", inputTokens: 100, outputTokens: 10, cachedTokens: 0, costUsd: 0.01,
  ...overrides,
});

/** Usage: one row per model call, totals per user and per conversation since a time. */
export function describeUsageContract(name: string, factory: StoreFactory): void {
  describe(`${name}: usage`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("totals calls per user and per conversation since a time", async () => {
      await store().usage.record(call({ at: t0 - 1 }));
      await store().usage.record(call({}));
      await store().usage.record(call({ conversationKey: "telegram:-500", inputTokens: 50 }));
      expect(await store().usage.totals({ userRef: "telegram:u1" }, t0)).toEqual({ calls: 2, inputTokens: 150, outputTokens: 20, costUsd: 0.02 });
      expect(await store().usage.totals({ conversationKey: "telegram:-500" }, t0)).toMatchObject({ calls: 1, inputTokens: 50 });
      expect(await store().usage.totals({ userRef: "nobody" }, t0)).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
    });

    it("lists users by tokens, largest first, and finds a conversation's last call", async () => {
      await store().usage.record(call({ userRef: "telegram:small", inputTokens: 1, outputTokens: 1 }));
      await store().usage.record(call({ userRef: "telegram:big", inputTokens: 1000, model: "first" }));
      await store().usage.record(call({ userRef: "telegram:big", inputTokens: 7, model: "latest" }));
      expect((await store().usage.byUser(t0, 10)).map((row) => row.userRef)).toEqual(["telegram:big", "telegram:small"]);
      expect(await store().usage.byUser(t0, 1)).toHaveLength(1);
      expect(await store().usage.lastCall("telegram:100")).toMatchObject({ model: "latest", inputTokens: 7 });
      expect(await store().usage.lastCall("telegram:none")).toBeUndefined();
    });
  });
}
