import type pg from "pg";
import { fillBuckets, type OverviewStore, type UsageLeader } from "../overview-store.ts";

type Series = "inbound" | "outbound" | "runs" | "errors";

const grouped = (table: string, column: string, where = "") =>
  `SELECT (${column} - $1) / $2 AS bucket, count(*) AS count FROM ${table} WHERE ${column} >= $1 AND ${column} < $3${where} GROUP BY bucket`;
const queries: [Series, string][] = [
  ["inbound", grouped("inbox", "received_at")],
  ["outbound", grouped("outbox", "created_at", " AND status = 'sent'")],
  ["runs", grouped("runs", "started_at")],
  ["errors", grouped("runs", "started_at", " AND outcome = 'error'")],
];
const leader = (column: string) =>
  `SELECT ${column} AS ref, sum(input_tokens + output_tokens) AS tokens, sum(cost_usd) AS cost FROM usage WHERE at >= $1 GROUP BY ${column} ORDER BY tokens DESC, cost DESC LIMIT 1`;

type LeaderRow = { ref: string; tokens: string | number; cost: string | number };
const toLeader = (row: LeaderRow | undefined): UsageLeader | undefined =>
  row ? { ref: row.ref, tokens: Number(row.tokens), costUsd: Number(row.cost) } : undefined;

/** The overview's counts, each an indexed range scan over one time column (`migrations.ts`: the console's indexes). */
export function createPostgresOverview(pool: pg.Pool): OverviewStore {
  return {
    async activity(since, until, bucketMs) {
      const results = await Promise.all(
        queries.map(async ([series, sql]) => {
          const { rows } = await pool.query<{ bucket: string | number; count: string | number }>(sql, [since, bucketMs, until]);
          return rows.map((row) => ({ series, bucket: Number(row.bucket), count: Number(row.count) }));
        }),
      );
      return fillBuckets(since, until, bucketMs, results.flat());
    },
    async usageSince(since) {
      const [total, user, chat] = await Promise.all([
        pool.query<{ calls: string; input: string; output: string; cost: string }>(
          "SELECT count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS cost FROM usage WHERE at >= $1",
          [since],
        ),
        pool.query<LeaderRow>(leader("user_ref"), [since]),
        pool.query<LeaderRow>(leader("conversation_key"), [since]),
      ]);
      const row = total.rows[0]!;
      return {
        total: { calls: Number(row.calls), inputTokens: Number(row.input), outputTokens: Number(row.output), costUsd: Number(row.cost) },
        topUser: toLeader(user.rows[0]),
        topChat: toLeader(chat.rows[0]),
      };
    },
  };
}
