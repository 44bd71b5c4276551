import type { DatabaseSync } from "node:sqlite";
import type { SpanName, TraceSpan } from "../../trace.ts";
import type { TraceStore } from "../store.ts";
import { inTransaction } from "./database.ts";

interface SpanRow {
  trace_key: string;
  name: string;
  started_at: number;
  ended_at: number;
  status: string;
  attributes: string;
}

export function spanOfRow(row: SpanRow): TraceSpan {
  return {
    traceKey: row.trace_key,
    name: row.name as SpanName,
    startedAt: Number(row.started_at),
    endedAt: Number(row.ended_at),
    status: row.status === "error" ? "error" : "ok",
    attributes: JSON.parse(row.attributes) as TraceSpan["attributes"],
  };
}

/** One transaction per batch: a batch covers many messages, so a message costs a fraction of a commit. */
export function createSqliteTraces(database: DatabaseSync): TraceStore {
  const insert = database.prepare(
    "INSERT INTO trace_spans (trace_key, name, started_at, ended_at, status, attributes) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const select = database.prepare(
    "SELECT trace_key, name, started_at, ended_at, status, attributes FROM trace_spans WHERE trace_key = ? ORDER BY seq LIMIT 1000",
  );
  return {
    async append(spans) {
      if (spans.length === 0) return;
      inTransaction(database, () => {
        for (const span of spans) {
          insert.run(span.traceKey, span.name, span.startedAt, span.endedAt, span.status, JSON.stringify(span.attributes));
        }
      });
    },
    async list(traceKey) {
      return (select.all(traceKey) as unknown as SpanRow[]).map(spanOfRow);
    },
  };
}
