import type { SpanName, TraceSpan } from "../trace.ts";

/** One stored row: the spans of one message that were written in the same batch. */
export interface TraceRow {
  traceKey: string;
  startedAt: number;
  spans: string;
}

type StoredSpan = Omit<TraceSpan, "traceKey">;

/** A batch as rows, one per message: a message's steps mostly end within one batch, so it costs one or two rows. */
export function traceRows(spans: readonly TraceSpan[]): TraceRow[] {
  const byKey = new Map<string, StoredSpan[]>();
  for (const { traceKey, ...span } of spans) {
    const list = byKey.get(traceKey);
    if (list) list.push(span);
    else byKey.set(traceKey, [span]);
  }
  return [...byKey].map(([traceKey, list]) => ({ traceKey, startedAt: Math.min(...list.map((span) => span.startedAt)), spans: JSON.stringify(list) }));
}

/** A message's rows, oldest first, back into its spans in the order they were recorded. */
export function spansOfRows(traceKey: string, rows: readonly { spans: string }[]): TraceSpan[] {
  return rows.flatMap((row) =>
    (JSON.parse(row.spans) as StoredSpan[]).map((span) => ({ ...span, name: span.name as SpanName, traceKey })),
  );
}
