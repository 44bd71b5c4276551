import type pg from "pg";
import type { SpanName, TraceSpan } from "../../trace.ts";
import type { TraceStore } from "../store.ts";

interface SpanRow {
  trace_key: string;
  name: string;
  started_at: number;
  ended_at: number;
  status: string;
  attributes: string;
}

/** A batch is one statement: the columns as arrays, unnested. */
export function createPostgresTraces(pool: pg.Pool): TraceStore {
  return {
    async append(spans) {
      if (spans.length === 0) return;
      await pool.query(
        `INSERT INTO trace_spans (trace_key, name, started_at, ended_at, status, attributes)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])`,
        [
          spans.map((span) => span.traceKey),
          spans.map((span) => span.name),
          spans.map((span) => span.startedAt),
          spans.map((span) => span.endedAt),
          spans.map((span) => span.status),
          spans.map((span) => JSON.stringify(span.attributes)),
        ],
      );
    },
    async list(traceKey) {
      const { rows } = await pool.query<SpanRow>(
        "SELECT trace_key, name, started_at, ended_at, status, attributes FROM trace_spans WHERE trace_key = $1 ORDER BY seq LIMIT 1000",
        [traceKey],
      );
      return rows.map((row) => ({
        traceKey: row.trace_key,
        name: row.name as SpanName,
        startedAt: Number(row.started_at),
        endedAt: Number(row.ended_at),
        status: row.status === "error" ? "error" : "ok",
        attributes: JSON.parse(row.attributes) as TraceSpan["attributes"],
      }));
    },
  };
}
