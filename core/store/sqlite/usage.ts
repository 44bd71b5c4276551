import type { DatabaseSync } from "node:sqlite";
import type { UsageEntry, UsageStore } from "../store.ts";
import { toUsageCall, type UsageCallRow } from "../stored-rows.ts";
import { callTotalsColumns, toTotals, type TotalsRow } from "../usage-report-sql.ts";
import { createSqliteUsageReport } from "./usage-report.ts";

export function createSqliteUsage(database: DatabaseSync): UsageStore {
  const insert = database.prepare(
    `INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd, run_ref)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const forUser = database.prepare(`SELECT ${callTotalsColumns} FROM usage WHERE user_ref = ? AND at >= ?`);
  const forConversation = database.prepare(`SELECT ${callTotalsColumns} FROM usage WHERE conversation_key = ? AND at >= ?`);

  const byUser = database.prepare(
    `SELECT user_ref, ${callTotalsColumns} FROM usage WHERE at >= ? GROUP BY user_ref ORDER BY sum(input_tokens + output_tokens) DESC LIMIT ?`,
  );
  // By time, as on PostgreSQL (core/store/postgres/usage.ts); the index on (conversation_key, at) serves it.
  const last = database.prepare("SELECT * FROM usage WHERE conversation_key = ? ORDER BY at DESC, seq DESC LIMIT 1");

  return {
    ...createSqliteUsageReport(database),
    async byUser(since: number, limit: number) {
      return (byUser.all(since, limit) as unknown as (TotalsRow & { user_ref: string })[]).map((row) => ({ userRef: row.user_ref, ...toTotals(row) }));
    },
    async lastCall(conversationKey: string) {
      const row = last.get(conversationKey) as UsageCallRow | undefined;
      return row && toUsageCall(row);
    },
    async record(entry: UsageEntry) {
      insert.run(
        entry.at, entry.userRef, entry.conversationKey, entry.model,
        entry.inputTokens, entry.outputTokens, entry.cachedTokens, entry.costUsd, entry.runRef ?? null,
      );
    },
    async totals(scope, since) {
      const row = ("userRef" in scope ? forUser.get(scope.userRef, since) : forConversation.get(scope.conversationKey, since)) as unknown as TotalsRow;
      return toTotals(row);
    },
  };
}
