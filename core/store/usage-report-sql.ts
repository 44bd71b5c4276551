import type { UsageTotals } from "./store.ts";
import { dayMs, type UsageDimension } from "./usage-report.ts";

/**
 * The usage report's SQL, the same on SQLite and PostgreSQL (`?` placeholders; PostgreSQL numbers them). It reads
 * `usage_daily`, which a trigger keeps summed per UTC day, user, chat and model as calls are recorded: a month of
 * a busy bot is a few thousand rows there, not hundreds of thousands of calls.
 */
const sums = "sum(calls) AS calls, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cost_usd) AS usd";

export const usageReportSql = {
  daily: `SELECT day, ${sums} FROM usage_daily WHERE day >= ? AND day < ? GROUP BY day ORDER BY day`,
  breakdown: (by: UsageDimension) =>
    `SELECT ${dimensionColumnOf(by)} AS key, ${sums} FROM usage_daily WHERE day >= ? GROUP BY ${dimensionColumnOf(by)}
     ORDER BY sum(input_tokens + output_tokens) DESC, ${dimensionColumnOf(by)} LIMIT ?`,
  rollup: `SELECT day, user_ref, conversation_key, model, calls, input_tokens AS input, output_tokens AS output, cost_usd AS usd
    FROM usage_daily WHERE day >= ? AND day < ? ORDER BY day, user_ref, conversation_key, model`,
};

/** The UTC midnight of the day `at` falls in: the report counts whole days. */
export const dayOf = (at: number): number => Math.floor(at / dayMs) * dayMs;

/** The first whole day at or after `at` (an exclusive end that is not a midnight still counts its own day out). */
export const dayAtOrAfter = (at: number): number => Math.ceil(at / dayMs) * dayMs;

const dimensionColumnOf = (by: UsageDimension) => dimensionColumn[by];

export const dimensionColumn: Record<UsageDimension, string> = { user: "user_ref", chat: "conversation_key", model: "model" };

/** Totals over the calls themselves (`usage`), for one user, one chat or per user since a time. */
export const callTotalsColumns =
  "count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS usd";

export interface TotalsRow {
  calls: number;
  input: number;
  output: number;
  usd: number;
}

export const toTotals = (row: TotalsRow): UsageTotals => ({
  calls: Number(row.calls),
  inputTokens: Number(row.input),
  outputTokens: Number(row.output),
  costUsd: Number(row.usd),
});
