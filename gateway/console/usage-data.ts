import { startOfDay } from "../../core/budget.ts";
import type { BudgetConfig } from "../../core/config-types.ts";
import type { UsageStore, UsageTotals } from "../../core/store/store.ts";
import { dayMs, type UsageDimension } from "../../core/store/usage-report.ts";
import { formatDay } from "./report-format.ts";

/** One UTC day of the chart and of `GET /api/admin/usage/daily`. */
export interface DailyUsage extends UsageTotals {
  day: string;
  start: number;
  tokens: number;
}

/** The last `days` UTC days, today included, oldest first, one entry per day (zeros where nothing was called). */
export async function dailyUsage(usage: UsageStore, days: number, now: number): Promise<DailyUsage[]> {
  const firstDay = startOfDay(now) - (days - 1) * dayMs;
  const byDay = new Map((await usage.daily(firstDay, startOfDay(now) + dayMs)).map((row) => [row.dayStart, row]));
  return Array.from({ length: days }, (_, index) => {
    const start = firstDay + index * dayMs;
    const totals = byDay.get(start) ?? { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 };
    return { day: formatDay(start), start, calls: totals.calls, inputTokens: totals.inputTokens, outputTokens: totals.outputTokens, tokens: totals.inputTokens + totals.outputTokens, costUsd: totals.costUsd };
  });
}

/** A dimension's daily caps (`PINCER_DAILY_*`); null where there is none (0, and every model). */
export interface DailyCaps {
  tokensPerDay: number | null;
  usdPerDay: number | null;
}

export function capsFor(by: UsageDimension, budget: BudgetConfig): DailyCaps {
  const positive = (cap: number) => (cap > 0 ? cap : null);
  switch (by) {
    case "user":
      return { tokensPerDay: positive(budget.dailyTokensPerUser), usdPerDay: positive(budget.dailyUsdPerUser) };
    case "chat":
      return { tokensPerDay: positive(budget.dailyTokensPerChat), usdPerDay: positive(budget.dailyUsdPerChat) };
    case "model":
      return { tokensPerDay: null, usdPerDay: null };
  }
}

export interface BreakdownRow extends UsageTotals {
  key: string;
  tokens: number;
  /** Share of the daily cap used (1 = reached); null when there is no cap or the window is not today. */
  tokensCapShare: number | null;
  usdCapShare: number | null;
}

export interface Breakdown {
  by: UsageDimension;
  since: number;
  /** True when the window is today (UTC): only then are the rows compared with the daily caps. */
  isToday: boolean;
  caps: DailyCaps;
  rows: BreakdownRow[];
}

/** Totals per user, chat or model since `since`, each against its daily caps when the window is today. */
export async function usageBreakdown(usage: UsageStore, budget: BudgetConfig, by: UsageDimension, since: number, limit: number, now: number): Promise<Breakdown> {
  const caps = capsFor(by, budget);
  const isToday = since >= startOfDay(now);
  const share = (spent: number, cap: number | null) => (isToday && cap !== null ? spent / cap : null);
  const rows = (await usage.breakdown(by, since, limit)).map((row) => {
    const tokens = row.inputTokens + row.outputTokens;
    return { ...row, tokens, tokensCapShare: share(tokens, caps.tokensPerDay), usdCapShare: share(row.costUsd, caps.usdPerDay) };
  });
  return { by, since, isToday, caps, rows };
}
