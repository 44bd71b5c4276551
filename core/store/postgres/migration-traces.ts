/**
 * Traces (SQLite's trace_spans migration): each inbound message's path, pruned with the retention.
 */
export const tracesMigration = `
  CREATE TABLE trace_spans (
    seq bigserial PRIMARY KEY,
    trace_key text NOT NULL,
    started_at bigint NOT NULL,
    spans text NOT NULL
  );
  CREATE INDEX trace_spans_by_key ON trace_spans (trace_key, seq);
  CREATE INDEX trace_spans_by_age ON trace_spans (started_at);
  `;
