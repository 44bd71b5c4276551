import type { UsageTotals } from "./store.ts";
import { dayMs, type UsageDimension } from "./usage-report.ts";

// The usage report's SQL pieces, the same on SQLite and PostgreSQL (both divide integers as integers).

/** The UTC midnight (epoch ms) of a call's day. */
export const dayColumn = `(at / ${dayMs}) * ${dayMs}`;

export const totalsColumns =
  "count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS usd";

export const dimensionColumn: Record<UsageDimension, string> = { user: "user_ref", chat: "conversation_key", model: "model" };

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
