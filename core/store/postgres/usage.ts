import type pg from "pg";
import type { UsageEntry, UsageStore } from "../store.ts";
import { createPostgresUsageReport } from "./usage-report.ts";

const totalsColumns =
  "count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS usd";

interface Totals {
  calls: number;
  input: number;
  output: number;
  usd: number;
}

interface UsageRecord {
  at: number;
  user_ref: string;
  conversation_key: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: number;
}

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
      const { rows } = await reportPool.query<Totals & { user_ref: string }>(
        `SELECT user_ref, ${totalsColumns} FROM usage WHERE at >= $1 GROUP BY user_ref ORDER BY sum(input_tokens + output_tokens) DESC LIMIT $2`,
        [since, limit],
      );
      return rows.map((row) => ({ userRef: row.user_ref, calls: row.calls, inputTokens: row.input, outputTokens: row.output, costUsd: row.usd }));
    },
    async lastCall(conversationKey: string) {
      const row = (await pool.query<UsageRecord>(lastCallSql, [conversationKey])).rows[0];
      if (!row) return undefined;
      return {
        at: row.at,
        userRef: row.user_ref,
        conversationKey: row.conversation_key,
        model: row.model,
        inputTokens: row.input_tokens,
        outputTokens: row.output_tokens,
        cachedTokens: row.cached_tokens,
        costUsd: row.cost_usd,
      };
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
      const row = (await pool.query<Totals>(`SELECT ${totalsColumns} FROM usage WHERE ${column} = $1 AND at >= $2`, [value, since])).rows[0]!;
      return { calls: row.calls, inputTokens: row.input, outputTokens: row.output, costUsd: row.usd };
    },
  };
}
