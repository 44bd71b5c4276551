import type { DatabaseSync } from "node:sqlite";
import type { UsageEntry, UsageStore } from "../store.ts";

export function createSqliteUsage(database: DatabaseSync): UsageStore {
  const insert = database.prepare(
    `INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const totalsColumns =
    "count(*) AS calls, coalesce(sum(input_tokens), 0) AS input, coalesce(sum(output_tokens), 0) AS output, coalesce(sum(cost_usd), 0) AS usd";
  const byUser = database.prepare(`SELECT ${totalsColumns} FROM usage WHERE user_ref = ? AND at >= ?`);
  const byConversation = database.prepare(`SELECT ${totalsColumns} FROM usage WHERE conversation_key = ? AND at >= ?`);

  return {
    async record(entry: UsageEntry) {
      insert.run(
        entry.at, entry.userRef, entry.conversationKey, entry.model,
        entry.inputTokens, entry.outputTokens, entry.cachedTokens, entry.costUsd,
      );
    },
    async totals(scope, since) {
      const row = ("userRef" in scope ? byUser.get(scope.userRef, since) : byConversation.get(scope.conversationKey, since)) as {
        calls: number;
        input: number;
        output: number;
        usd: number;
      };
      return { calls: row.calls, inputTokens: row.input, outputTokens: row.output, costUsd: row.usd };
    },
  };
}
