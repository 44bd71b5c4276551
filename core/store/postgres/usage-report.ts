import type pg from "pg";
import type { UsageStore } from "../store.ts";
import { dayColumn, dimensionColumn, toTotals, totalsColumns, type TotalsRow } from "../usage-report-sql.ts";

/** The console's usage report on PostgreSQL: per UTC day, per user, chat or model, and rolled up for the CSV export. */
export function createPostgresUsageReport(pool: pg.Pool): Pick<UsageStore, "daily" | "breakdown" | "rollup"> {
  return {
    async daily(since, until) {
      const { rows } = await pool.query<TotalsRow & { day: number }>(
        `SELECT ${dayColumn} AS day, ${totalsColumns} FROM usage WHERE at >= $1 AND at < $2 GROUP BY day ORDER BY day`,
        [since, until],
      );
      return rows.map((row) => ({ dayStart: Number(row.day), ...toTotals(row) }));
    },
    async breakdown(by, since, limit) {
      const { rows } = await pool.query<TotalsRow & { key: string }>(
        `SELECT ${dimensionColumn[by]} AS key, ${totalsColumns} FROM usage WHERE at >= $1 GROUP BY key
         ORDER BY sum(input_tokens + output_tokens) DESC, key LIMIT $2`,
        [since, limit],
      );
      return rows.map((row) => ({ key: row.key, ...toTotals(row) }));
    },
    async rollup(since, until) {
      const { rows } = await pool.query<TotalsRow & { day: number; user_ref: string; conversation_key: string; model: string }>(
        `SELECT ${dayColumn} AS day, user_ref, conversation_key, model, ${totalsColumns} FROM usage WHERE at >= $1 AND at < $2
         GROUP BY day, user_ref, conversation_key, model ORDER BY day, user_ref, conversation_key, model`,
        [since, until],
      );
      return rows.map((row) => ({ dayStart: Number(row.day), userRef: row.user_ref, conversationKey: row.conversation_key, model: row.model, ...toTotals(row) }));
    },
  };
}
