import type { TraceStore } from "./store/trace-store.ts";
import { spanNames, type TraceSpan } from "./trace.ts";

/** Steps that belong to one message; a turn's other steps are shared by every message it answered. */
const ownSteps = new Set<TraceSpan["name"]>(["message", "store", "policy", "parse", "answer", "queue", "turn"]);

export interface Trace {
  traceKey: string;
  /** Earliest start to latest end (epoch ms); 0 when there is no span. */
  startedAt: number;
  endedAt: number;
  /** By start; at one instant in the order of the path. */
  spans: TraceSpan[];
}

/** By start; at one instant (a clock in milliseconds) in the order of the path, then the enclosing span first. */
const byStart = (a: TraceSpan, b: TraceSpan) =>
  a.startedAt - b.startedAt || spanNames.indexOf(a.name) - spanNames.indexOf(b.name) || b.endedAt - a.endedAt;

/**
 * A message's path: its own spans and, when it was answered in a turn with earlier messages, that turn's steps
 * (kept under the turn's first message, `turnKey`), within the turn's time.
 */
export async function readTrace(traces: TraceStore, traceKey: string): Promise<Trace> {
  const own = await traces.list(traceKey);
  const joined = own.filter((span) => span.name === "turn" && typeof span.attributes.turnKey === "string" && span.attributes.turnKey !== traceKey);
  const shared: TraceSpan[] = [];
  for (const turn of joined) {
    const steps = await traces.list(String(turn.attributes.turnKey));
    shared.push(...steps.filter((span) => !ownSteps.has(span.name) && span.startedAt >= turn.startedAt && span.startedAt <= turn.endedAt));
  }
  const spans = [...own, ...shared].sort(byStart);
  return {
    traceKey,
    startedAt: spans.length > 0 ? Math.min(...spans.map((span) => span.startedAt)) : 0,
    endedAt: spans.length > 0 ? Math.max(...spans.map((span) => span.endedAt)) : 0,
    spans,
  };
}
