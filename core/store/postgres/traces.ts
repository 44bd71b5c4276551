import type pg from "pg";
import type { TraceStore } from "../store.ts";
import { spansOfRows, traceRows } from "../trace-rows.ts";

/** A batch is one statement (the rows' columns as arrays, unnested), one row per message in it. */
export function createPostgresTraces(pool: pg.Pool): TraceStore {
  return {
    async append(spans) {
      if (spans.length === 0) return;
      const rows = traceRows(spans);
      await pool.query(
        "INSERT INTO trace_spans (trace_key, started_at, spans) SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[])",
        [rows.map((row) => row.traceKey), rows.map((row) => row.startedAt), rows.map((row) => row.spans)],
      );
    },
    async list(traceKey) {
      const { rows } = await pool.query<{ spans: string }>("SELECT spans FROM trace_spans WHERE trace_key = $1 ORDER BY seq LIMIT 200", [traceKey]);
      return spansOfRows(traceKey, rows);
    },
  };
}
