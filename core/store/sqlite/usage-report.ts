import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { UsageStore } from "../store.ts";
import { dayAtOrAfter, dayOf, toTotals, usageReportSql, type TotalsRow } from "../usage-report-sql.ts";
import { usageDimensions, type UsageDimension } from "../usage-report.ts";

type RollupRow = TotalsRow & { day: number; user_ref: string; conversation_key: string; model: string };

/** The console's usage report on SQLite: per UTC day, per user, chat or model, and rolled up for the CSV export. */
export function createSqliteUsageReport(database: DatabaseSync): Pick<UsageStore, "daily" | "breakdown" | "rollup"> {
  const daily = database.prepare(usageReportSql.daily);
  const breakdowns = Object.fromEntries(usageDimensions.map((by) => [by, database.prepare(usageReportSql.breakdown(by))])) as Record<UsageDimension, StatementSync>;
  const rollup = database.prepare(usageReportSql.rollup);
  return {
    async daily(since, until) {
      return (daily.all(dayOf(since), dayAtOrAfter(until)) as unknown as (TotalsRow & { day: number })[]).map((row) => ({ dayStart: row.day, ...toTotals(row) }));
    },
    async breakdown(by, since, limit) {
      return (breakdowns[by].all(dayOf(since), limit) as unknown as (TotalsRow & { key: string })[]).map((row) => ({ key: row.key, ...toTotals(row) }));
    },
    async rollup(since, until) {
      return (rollup.all(dayOf(since), dayAtOrAfter(until)) as unknown as RollupRow[]).map((row) => ({
        dayStart: row.day,
        userRef: row.user_ref,
        conversationKey: row.conversation_key,
        model: row.model,
        ...toTotals(row),
      }));
    },
  };
}
