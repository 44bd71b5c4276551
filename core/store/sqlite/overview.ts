import type { DatabaseSync } from "node:sqlite";
import { fillBuckets, type OverviewStore, type UsageLeader } from "../overview-store.ts";

type Series = "inbound" | "outbound" | "runs" | "errors";

/**
 * The overview's counts, each an indexed range scan over one time column (`migrations.ts`: the console's indexes).
 * `GROUP BY +column`: without the `+` SQLite would rather walk the whole usage table in `usage_by_user` order.
 */
export function createSqliteOverview(database: DatabaseSync): OverviewStore {
  const grouped = (table: string, column: string, where = "") =>
    database.prepare(`SELECT CAST((${column} - ?) / ? AS INTEGER) AS bucket, count(*) AS count FROM ${table} WHERE ${column} >= ? AND ${column} < ?${where} GROUP BY bucket`);
  const queries: [Series, ReturnType<typeof grouped>][] = [
    ["inbound", grouped("inbox", "received_at")],
    ["outbound", grouped("outbox", "created_at", " AND status = 'sent'")],
    ["runs", grouped("runs", "started_at")],
    ["errors", grouped("runs", "started_at", " AND outcome = 'error'")],
  ];
  const total = database.prepare(
    "SELECT count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS cost FROM usage WHERE at >= ?",
  );
  const leader = (column: string) =>
    database.prepare(
      `SELECT ${column} AS ref, sum(input_tokens + output_tokens) AS tokens, sum(cost_usd) AS cost FROM usage WHERE at >= ? GROUP BY +${column} ORDER BY tokens DESC, cost DESC LIMIT 1`,
    );
  const topUser = leader("user_ref");
  const topChat = leader("conversation_key");
  const toLeader = (row: { ref: string; tokens: number; cost: number } | undefined): UsageLeader | undefined =>
    row ? { ref: row.ref, tokens: Number(row.tokens), costUsd: Number(row.cost) } : undefined;

  return {
    async activity(since, until, bucketMs) {
      const counts = queries.flatMap(([series, query]) =>
        (query.all(since, bucketMs, since, until) as { bucket: number; count: number }[]).map((row) => ({ series, ...row })),
      );
      return fillBuckets(since, until, bucketMs, counts);
    },
    async usageSince(since) {
      const row = total.get(since) as { calls: number; input: number; output: number; cost: number };
      return {
        total: { calls: row.calls, inputTokens: row.input, outputTokens: row.output, costUsd: row.cost },
        topUser: toLeader(topUser.get(since) as never),
        topChat: toLeader(topChat.get(since) as never),
      };
    },
  };
}
