import type pg from "pg";
import type { UsageEntry, UsageStore } from "../store.ts";
import { toUsageCall, type UsageCallRow } from "../stored-rows.ts";
import { callTotalsColumns, toTotals, type TotalsRow } from "../usage-report-sql.ts";
import { createPostgresUsageReport } from "./usage-report.ts";

/**
 * A conversation's latest model call, by time, through `usage_by_conversation`. Ordered by `seq` alone, a prepared plan
 * walked every chat's calls backwards to find a quiet chat's last one.
 */
export const lastCallSql = "SELECT * FROM usage WHERE conversation_key = $1 ORDER BY at DESC, seq DESC LIMIT 1";

/** `reportPool`: the console's reports, apart from the message traffic's recording and cap checks. */
export function createPostgresUsage(pool: pg.Pool, reportPool: pg.Pool = pool): UsageStore {
  return {
    ...createPostgresUsageReport(reportPool),
    async byUser(since: number, limit: number) {
      const { rows } = await reportPool.query<TotalsRow & { user_ref: string }>(
        `SELECT user_ref, ${callTotalsColumns} FROM usage WHERE at >= $1 GROUP BY user_ref ORDER BY sum(input_tokens + output_tokens) DESC LIMIT $2`,
        [since, limit],
      );
      return rows.map((row) => ({ userRef: row.user_ref, ...toTotals(row) }));
    },
    async lastCall(conversationKey: string) {
      const row = (await pool.query<UsageCallRow>(lastCallSql, [conversationKey])).rows[0];
      return row && toUsageCall(row);
    },
    async record(entry: UsageEntry) {
      await pool.query(
        `INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd, run_ref)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          entry.at, entry.userRef, entry.conversationKey, entry.model, entry.inputTokens, entry.outputTokens, entry.cachedTokens,
          entry.costUsd, entry.runRef ?? null,
        ],
      );
    },
    async totals(scope, since) {
      const [column, value] = "userRef" in scope ? ["user_ref", scope.userRef] : ["conversation_key", scope.conversationKey];
      const row = (await pool.query<TotalsRow>(`SELECT ${callTotalsColumns} FROM usage WHERE ${column} = $1 AND at >= $2`, [value, since])).rows[0]!;
      return toTotals(row);
    },
  };
}
