import type { TraceSpan } from "../trace.ts";

/** Each inbound message's spans (core/trace.ts): written in batches, read per message, pruned with the retention. */
export interface TraceStore {
  append(spans: readonly TraceSpan[]): Promise<void>;
  /** The message's spans in the order they were recorded. */
  list(traceKey: string): Promise<TraceSpan[]>;
}
