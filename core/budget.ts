import type { BudgetConfig, ModelPrice } from "./config.ts";
import type { UsageStore, UsageTotals } from "./store/store.ts";
import type { ModelCallUsage } from "./types/agent.ts";
import { translate, type Locale } from "./i18n/catalogue.ts";
import { localizedError, type LocalizedText } from "./types/errors.ts";

/**
 * Estimates in USD per million tokens, used when PINCER_CONFIG has no `prices` entry for a model.
 * A model matches the longest key it starts with (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`).
 */
export const defaultPrices: Record<string, ModelPrice> = {
  "gpt-4o-mini": { input: 0.15, output: 0.6, cachedInput: 0.075 },
  "gpt-4o": { input: 2.5, output: 10, cachedInput: 1.25 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6, cachedInput: 0.1 },
  "gpt-4.1": { input: 2, output: 8, cachedInput: 0.5 },
  "claude-sonnet-4": { input: 3, output: 15, cachedInput: 0.3 },
  "claude-haiku-4": { input: 1, output: 5, cachedInput: 0.1 },
  "deepseek-chat": { input: 0.27, output: 1.1, cachedInput: 0.07 },
};

export function priceFor(model: string, prices: Record<string, ModelPrice>): ModelPrice | undefined {
  const table = { ...defaultPrices, ...prices };
  const key = Object.keys(table)
    .filter((name) => model === name || model.startsWith(name))
    .sort((a, b) => b.length - a.length)[0];
  return key === undefined ? undefined : table[key];
}

/** Estimated cost of one call; 0 for a model with no known price (local models). */
export function costOf(usage: ModelCallUsage, prices: Record<string, ModelPrice>): number {
  const price = priceFor(usage.model, prices);
  if (!price) return 0;
  const cached = Math.min(usage.cachedTokens, usage.inputTokens);
  const fresh = usage.inputTokens - cached;
  return (fresh * price.input + cached * (price.cachedInput ?? price.input) + usage.outputTokens * price.output) / 1_000_000;
}

const dayMs = 24 * 60 * 60 * 1000;

/** Caps reset at midnight UTC. */
export function startOfDay(now: number): number {
  return Math.floor(now / dayMs) * dayMs;
}

export function startOfMonth(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function untilReset(now: number): LocalizedText {
  const minutes = Math.ceil((startOfDay(now) + dayMs - now) / 60_000);
  return minutes >= 60 ? { key: "time.hoursMinutes", params: { hours: Math.floor(minutes / 60), minutes: minutes % 60 } } : { key: "time.minutes", params: { minutes } };
}

const tokensOf = (totals: UsageTotals) => totals.inputTokens + totals.outputTokens;

/** Throws `budget-exceeded` with a message for the user when a daily cap is reached; checked before every model call. */
export async function checkDailyCaps(
  usage: UsageStore,
  budget: BudgetConfig,
  scope: { userRef: string; conversationKey: string },
  now: number,
): Promise<void> {
  const since = startOfDay(now);
  const checks: { who: "user" | "chat"; cap: number; spent: (totals: UsageTotals) => number; unit: string; totals: () => Promise<UsageTotals> }[] = [
    { who: "user", cap: budget.dailyTokensPerUser, spent: tokensOf, unit: "tokens", totals: () => usage.totals({ userRef: scope.userRef }, since) },
    { who: "chat", cap: budget.dailyTokensPerChat, spent: tokensOf, unit: "tokens", totals: () => usage.totals({ conversationKey: scope.conversationKey }, since) },
    { who: "user", cap: budget.dailyUsdPerUser, spent: (totals) => totals.costUsd, unit: "USD", totals: () => usage.totals({ userRef: scope.userRef }, since) },
    { who: "chat", cap: budget.dailyUsdPerChat, spent: (totals) => totals.costUsd, unit: "USD", totals: () => usage.totals({ conversationKey: scope.conversationKey }, since) },
  ];
  for (const check of checks) {
    if (check.cap <= 0) continue;
    if (check.spent(await check.totals()) < check.cap) continue;
    const cap: string | LocalizedText =
      check.unit === "USD" ? `$${check.cap.toFixed(2)}` : { key: "refusals.budget.tokens", params: { count: check.cap.toLocaleString("en-US") } };
    throw localizedError("budget-exceeded", check.who === "user" ? "refusals.budget.user" : "refusals.budget.chat", { cap, wait: untilReset(now) });
  }
}

function formatTotals(totals: UsageTotals, locale: Locale = "en"): string {
  return translate(locale, "control.usage.totals", {
    tokens: tokensOf(totals).toLocaleString("en-US"),
    input: totals.inputTokens.toLocaleString("en-US"),
    output: totals.outputTokens.toLocaleString("en-US"),
    calls: totals.calls,
    cost: totals.costUsd.toFixed(4),
  });
}

/** The answer to `/usage`: today and this month (UTC), for this chat and for the sender. */
export async function usageReport(usage: UsageStore, scope: { userRef: string; conversationKey: string }, now: number, locale: Locale = "en"): Promise<string> {
  const lines = [translate(locale, "control.usage.title")];
  const periods = [["control.usage.todayChat", "control.usage.todayYou", startOfDay(now)], ["control.usage.monthChat", "control.usage.monthYou", startOfMonth(now)]] as const;
  for (const [chatLine, youLine, since] of periods) {
    lines.push(translate(locale, chatLine, { totals: formatTotals(await usage.totals({ conversationKey: scope.conversationKey }, since), locale) }));
    lines.push(translate(locale, youLine, { totals: formatTotals(await usage.totals({ userRef: scope.userRef }, since), locale) }));
  }
  return lines.join("\n");
}

/** `pincer usage`: today and this month, in all and per user. */
export async function usageSummary(usage: UsageStore, now: number): Promise<string> {
  const lines: string[] = [];
  for (const [label, since] of [["Today (UTC)", startOfDay(now)], ["This month (UTC)", startOfMonth(now)]] as const) {
    const users = await usage.byUser(since, 20);
    const all = users.reduce(
      (sum, user) => ({
        calls: sum.calls + user.calls,
        inputTokens: sum.inputTokens + user.inputTokens,
        outputTokens: sum.outputTokens + user.outputTokens,
        costUsd: sum.costUsd + user.costUsd,
      }),
      { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    );
    lines.push(`${label}: ${formatTotals(all)}${users.length === 20 ? " (top 20 users)" : ""}`);
    for (const user of users) lines.push(`  ${user.userRef}: ${formatTotals(user)}`);
  }
  return lines.join("\n");
}
