import type { DatabaseSync } from "node:sqlite";
import type { UsageEntry, UsageStore } from "../store.ts";
import { createSqliteUsageReport } from "./usage-report.ts";

export function createSqliteUsage(database: DatabaseSync): UsageStore {
  const insert = database.prepare(
    `INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd, run_ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const totalsColumns =
    "count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS usd";
  const forUser = database.prepare(`SELECT ${totalsColumns} FROM usage WHERE user_ref = ? AND at >= ?`);
  const forConversation = database.prepare(`SELECT ${totalsColumns} FROM usage WHERE conversation_key = ? AND at >= ?`);

  const byUser = database.prepare(
    `SELECT user_ref, ${totalsColumns} FROM usage WHERE at >= ? GROUP BY user_ref ORDER BY sum(input_tokens + output_tokens) DESC LIMIT ?`,
  );
  // By time, as on PostgreSQL (core/store/postgres/usage.ts); the index on (conversation_key, at) serves it.
  const last = database.prepare("SELECT * FROM usage WHERE conversation_key = ? ORDER BY at DESC, seq DESC LIMIT 1");

  return {
    ...createSqliteUsageReport(database),
    async byUser(since: number, limit: number) {
      return (byUser.all(since, limit) as { user_ref: string; calls: number; input: number; output: number; usd: number }[]).map((row) => ({
        userRef: row.user_ref,
        calls: row.calls,
        inputTokens: row.input,
        outputTokens: row.output,
        costUsd: row.usd,
      }));
    },
    async lastCall(conversationKey: string) {
      const row = last.get(conversationKey) as
        | { at: number; user_ref: string; conversation_key: string; model: string; input_tokens: number; output_tokens: number; cached_tokens: number; cost_usd: number }
        | undefined;
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
      insert.run(
        entry.at, entry.userRef, entry.conversationKey, entry.model,
        entry.inputTokens, entry.outputTokens, entry.cachedTokens, entry.costUsd, entry.runRef ?? null,
      );
    },
    async totals(scope, since) {
      const row = ("userRef" in scope ? forUser.get(scope.userRef, since) : forConversation.get(scope.conversationKey, since)) as {
        calls: number;
        input: number;
        output: number;
        usd: number;
      };
      return { calls: row.calls, inputTokens: row.input, outputTokens: row.output, costUsd: row.usd };
    },
  };
}
