import { describe, expect, it } from "vitest";
import { checkDailyCaps, costOf, startOfDay, usageReport } from "../../core/budget.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import { BridgeError } from "../../core/types/errors.ts";

const noon = Date.UTC(2026, 10, 25, 12, 0, 0);
const scope = { userRef: "telegram:42", conversationKey: "telegram:42" };
const caps = { contextTokens: 8000, dailyTokensPerUser: 0, dailyTokensPerChat: 0, dailyUsdPerUser: 0, dailyUsdPerChat: 0 };

async function storeWith(tokensToday: number, tokensYesterday = 0) {
  const store = createSqliteStore(":memory:");
  const entry = { userRef: scope.userRef, conversationKey: scope.conversationKey, model: "gpt-4o-mini", outputTokens: 0, cachedTokens: 0, costUsd: 0.01 };
  await store.usage.record({ ...entry, at: noon - 3_600_000, inputTokens: tokensToday });
  if (tokensYesterday) await store.usage.record({ ...entry, at: startOfDay(noon) - 1, inputTokens: tokensYesterday });
  return store;
}

describe("the cost of a call", () => {
  it("uses the price of the longest matching model name, cached input at its own price", () => {
    const usage = { model: "gpt-4o-mini-2024-07-18", inputTokens: 1_000_000, outputTokens: 1_000_000, cachedTokens: 500_000 };
    expect(costOf(usage, {})).toBeCloseTo(0.075 + 0.0375 + 0.6);
  });

  it("takes prices from PINCER_CONFIG over the defaults, and is 0 for an unknown (local) model", () => {
    expect(costOf({ model: "qwen-plus", inputTokens: 2_000_000, outputTokens: 0, cachedTokens: 0 }, { "qwen-plus": { input: 0.4, output: 1.2 } })).toBeCloseTo(0.8);
    expect(costOf({ model: "llama3.1:8b", inputTokens: 1_000_000, outputTokens: 1_000_000, cachedTokens: 0 }, {})).toBe(0);
  });
});

describe("daily caps", () => {
  it("let calls through under the cap, and count only today's usage", async () => {
    const store = await storeWith(900, 100_000);
    await expect(checkDailyCaps(store.usage, { ...caps, dailyTokensPerUser: 1000 }, scope, noon)).resolves.toBeUndefined();
  });

  it("stop a call at the cap with a message that says which cap and when it resets", async () => {
    const store = await storeWith(1000);
    const check = checkDailyCaps(store.usage, { ...caps, dailyTokensPerChat: 1000 }, scope, noon);
    await expect(check).rejects.toBeInstanceOf(BridgeError);
    await expect(check).rejects.toMatchObject({
      code: "budget-exceeded",
      message: "Daily budget reached: this chat's limit is 1,000 tokens a day. No model call was made. It resets at 00:00 UTC, in 12 h 0 min.",
    });
  });

  it("apply cost caps in USD", async () => {
    const store = await storeWith(10);
    await expect(checkDailyCaps(store.usage, { ...caps, dailyUsdPerUser: 0.01 }, scope, noon)).rejects.toMatchObject({ code: "budget-exceeded" });
  });
});

describe("/usage", () => {
  it("reports today and this month for the chat and the sender", async () => {
    const store = await storeWith(1234);
    const report = await usageReport(store.usage, scope, noon);
    expect(report).toContain("Today, this chat: 1,234 tokens (1,234 in, 0 out) in 1 calls, about $0.0100");
    expect(report).toContain("This month, you: 1,234 tokens");
  });
});

describe("pincer usage", () => {
  it("sums today and this month, per user, largest first", async () => {
    const { usageSummary } = await import("../../core/budget.ts");
    const store = await storeWith(1000);
    await store.usage.record({ at: noon, userRef: "slack:U1", conversationKey: "slack:C1", model: "gpt-4o", inputTokens: 5000, outputTokens: 100, cachedTokens: 0, costUsd: 0.02 });
    const summary = await usageSummary(store.usage, noon);
    expect(summary.split("\n").slice(0, 3)).toEqual([
      "Today (UTC): 6,100 tokens (6,000 in, 100 out) in 2 calls, about $0.0300",
      "  slack:U1: 5,100 tokens (5,000 in, 100 out) in 1 calls, about $0.0200",
      "  telegram:42: 1,000 tokens (1,000 in, 0 out) in 1 calls, about $0.0100",
    ]);
  });
});
