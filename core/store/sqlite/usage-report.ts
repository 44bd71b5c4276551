import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { UsageStore } from "../store.ts";
import { dayColumn, dimensionColumn, toTotals, totalsColumns, type TotalsRow } from "../usage-report-sql.ts";
import { usageDimensions, type UsageDimension } from "../usage-report.ts";

/** The console's usage report on SQLite: per UTC day, per user, chat or model, and rolled up for the CSV export. */
export function createSqliteUsageReport(database: DatabaseSync): Pick<UsageStore, "daily" | "breakdown" | "rollup"> {
  const daily = database.prepare(`SELECT ${dayColumn} AS day, ${totalsColumns} FROM usage WHERE at >= ? AND at < ? GROUP BY day ORDER BY day`);
  const breakdowns = Object.fromEntries(
    usageDimensions.map((by) => [
      by,
      database.prepare(`SELECT ${dimensionColumn[by]} AS key, ${totalsColumns} FROM usage WHERE at >= ? GROUP BY key ORDER BY sum(input_tokens + output_tokens) DESC, key LIMIT ?`),
    ]),
  ) as Record<UsageDimension, StatementSync>;
  const rollup = database.prepare(
    `SELECT ${dayColumn} AS day, user_ref, conversation_key, model, ${totalsColumns} FROM usage WHERE at >= ? AND at < ?
     GROUP BY day, user_ref, conversation_key, model ORDER BY day, user_ref, conversation_key, model`,
  );
  return {
    async daily(since, until) {
      return (daily.all(since, until) as unknown as (TotalsRow & { day: number })[]).map((row) => ({ dayStart: row.day, ...toTotals(row) }));
    },
    async breakdown(by, since, limit) {
      return (breakdowns[by].all(since, limit) as unknown as (TotalsRow & { key: string })[]).map((row) => ({ key: row.key, ...toTotals(row) }));
    },
    async rollup(since, until) {
      return (rollup.all(since, until) as unknown as (TotalsRow & { day: number; user_ref: string; conversation_key: string; model: string })[]).map((row) => ({
        dayStart: row.day,
        userRef: row.user_ref,
        conversationKey: row.conversation_key,
        model: row.model,
        ...toTotals(row),
      }));
    },
  };
}
