/**
 * Traces: each inbound message's path (core/trace.ts): one row per message per batch written (its spans as a JSON
 * array), so one or two rows per message; pruned with the retention.
 */
export const tracesMigration = `
  CREATE TABLE trace_spans (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    trace_key TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    spans TEXT NOT NULL
  );
  CREATE INDEX trace_spans_by_key ON trace_spans (trace_key, seq);
  CREATE INDEX trace_spans_by_age ON trace_spans (started_at);
  `;
