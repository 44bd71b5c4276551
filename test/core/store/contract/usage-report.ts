import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { UsageEntry } from "../../../../core/store/store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const day = 24 * 60 * 60 * 1000;
/** Midnight UTC of 2023-11-14. */
const d0 = Math.floor(1_700_000_000_000 / day) * day;
const call = (overrides: Partial<UsageEntry>): UsageEntry => ({
  at: d0 + 1000, userRef: "telegram:u1", conversationKey: "telegram:100", model: "model-a", inputTokens: 100, outputTokens: 10, cachedTokens: 0, costUsd: 0.25,
  ...overrides,
});

/** The console's usage report: totals per UTC day, per user, chat or model, and per day, user, chat and model. */
export function describeUsageReportContract(name: string, factory: StoreFactory): void {
  describe(`${name}: usage report`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("totals each UTC day with calls, oldest first, within [since, until)", async () => {
      await store().usage.record(call({ at: d0 - 1 }));
      await store().usage.record(call({ at: d0 }));
      await store().usage.record(call({ at: d0 + day - 1, inputTokens: 1 }));
      await store().usage.record(call({ at: d0 + 2 * day + 5, outputTokens: 0 }));
      await store().usage.record(call({ at: d0 + 3 * day }));
      expect(await store().usage.daily(d0, d0 + 3 * day)).toEqual([
        { dayStart: d0, calls: 2, inputTokens: 101, outputTokens: 20, costUsd: 0.5 },
        { dayStart: d0 + 2 * day, calls: 1, inputTokens: 100, outputTokens: 0, costUsd: 0.25 },
      ]);
      expect(await store().usage.daily(d0 + 4 * day, d0 + 5 * day)).toEqual([]);
    });

    it("breaks totals down per user, per chat and per model, most tokens first, since a time", async () => {
      await store().usage.record(call({ at: d0 - 1, userRef: "telegram:old", inputTokens: 1_000_000 }));
      await store().usage.record(call({ userRef: "telegram:small", conversationKey: "slack:C1", model: "model-b", inputTokens: 1, outputTokens: 1 }));
      await store().usage.record(call({ userRef: "telegram:big", inputTokens: 500 }));
      await store().usage.record(call({ userRef: "telegram:big", inputTokens: 500, model: "model-b" }));
      expect(await store().usage.breakdown("user", d0, 10)).toEqual([
        { key: "telegram:big", calls: 2, inputTokens: 1000, outputTokens: 20, costUsd: 0.5 },
        { key: "telegram:small", calls: 1, inputTokens: 1, outputTokens: 1, costUsd: 0.25 },
      ]);
      expect((await store().usage.breakdown("chat", d0, 10)).map((row) => [row.key, row.calls])).toEqual([["telegram:100", 2], ["slack:C1", 1]]);
      expect((await store().usage.breakdown("model", d0, 10)).map((row) => [row.key, row.inputTokens])).toEqual([["model-b", 501], ["model-a", 500]]);
      expect(await store().usage.breakdown("user", d0, 1)).toHaveLength(1);
      expect(await store().usage.breakdown("model", d0 + day, 10)).toEqual([]);
    });

    it("rolls calls up per day, user, chat and model in [since, until)", async () => {
      await store().usage.record(call({}));
      await store().usage.record(call({ at: d0 + 2000 }));
      await store().usage.record(call({ model: "model-b" }));
      await store().usage.record(call({ at: d0 + day + 1, userRef: "telegram:u2" }));
      await store().usage.record(call({ at: d0 + 2 * day }));
      expect(await store().usage.rollup(d0, d0 + 2 * day)).toEqual([
        { dayStart: d0, userRef: "telegram:u1", conversationKey: "telegram:100", model: "model-a", calls: 2, inputTokens: 200, outputTokens: 20, costUsd: 0.5 },
        { dayStart: d0, userRef: "telegram:u1", conversationKey: "telegram:100", model: "model-b", calls: 1, inputTokens: 100, outputTokens: 10, costUsd: 0.25 },
        { dayStart: d0 + day, userRef: "telegram:u2", conversationKey: "telegram:100", model: "model-a", calls: 1, inputTokens: 100, outputTokens: 10, costUsd: 0.25 },
      ]);
    });
  });
}
