import type { DatabaseSync } from "node:sqlite";
import type { TraceStore } from "../store.ts";
import { spansOfRows, traceRows } from "../trace-rows.ts";
import { inTransaction } from "./database.ts";

/** One transaction per batch, one row per message in it (core/store/trace-rows.ts). */
export function createSqliteTraces(database: DatabaseSync): TraceStore {
  const insert = database.prepare("INSERT INTO trace_spans (trace_key, started_at, spans) VALUES (?, ?, ?)");
  const select = database.prepare("SELECT spans FROM trace_spans WHERE trace_key = ? ORDER BY seq LIMIT 200");
  return {
    async append(spans) {
      if (spans.length === 0) return;
      const rows = traceRows(spans);
      inTransaction(database, () => {
        for (const row of rows) insert.run(row.traceKey, row.startedAt, row.spans);
      });
    },
    async list(traceKey) {
      return spansOfRows(traceKey, select.all(traceKey) as unknown as { spans: string }[]);
    },
  };
}
