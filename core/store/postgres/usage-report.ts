import type pg from "pg";
import { numberedPlaceholders } from "../audit-log-sql.ts";
import type { UsageStore } from "../store.ts";
import { dayAtOrAfter, dayOf, toTotals, usageReportSql, type TotalsRow } from "../usage-report-sql.ts";

type RollupRow = TotalsRow & { day: number; user_ref: string; conversation_key: string; model: string };

/** The console's usage report on PostgreSQL: per UTC day, per user, chat or model, and rolled up for the CSV export. */
export function createPostgresUsageReport(pool: pg.Pool): Pick<UsageStore, "daily" | "breakdown" | "rollup"> {
  return {
    async daily(since, until) {
      const { rows } = await pool.query<TotalsRow & { day: number }>(numberedPlaceholders(usageReportSql.daily), [dayOf(since), dayAtOrAfter(until)]);
      return rows.map((row) => ({ dayStart: Number(row.day), ...toTotals(row) }));
    },
    async breakdown(by, since, limit) {
      const { rows } = await pool.query<TotalsRow & { key: string }>(numberedPlaceholders(usageReportSql.breakdown(by)), [dayOf(since), limit]);
      return rows.map((row) => ({ key: row.key, ...toTotals(row) }));
    },
    async rollup(since, until) {
      const { rows } = await pool.query<RollupRow>(numberedPlaceholders(usageReportSql.rollup), [dayOf(since), dayAtOrAfter(until)]);
      return rows.map((row) => ({ dayStart: Number(row.day), userRef: row.user_ref, conversationKey: row.conversation_key, model: row.model, ...toTotals(row) }));
    },
  };
}
