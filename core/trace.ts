import type { Logger } from "./types/logger.ts";

/**
 * The steps of a message's path, in the order they happen. `message` is the root: from the moment the gateway was
 * handed the message until this process was done with it; the others are its children.
 */
export const spanNames = [
  "message", "store", "policy", "parse", "answer", "queue", "turn", "route", "enrich", "session",
  "agent", "model", "approval", "tool", "send", "speak",
] as const;
export type SpanName = (typeof spanNames)[number];

export type SpanAttributes = Record<string, string | number | boolean>;

/**
 * One step of one inbound message's path, as plain data. `traceKey` is the message's inbox key (`channel:messageId`);
 * the spans of a turn that answered several messages are kept under the first one's key (the `turn` span of each
 * message names it as `turnKey`).
 */
export interface TraceSpan {
  traceKey: string;
  name: SpanName;
  startedAt: number;
  endedAt: number;
  status: "ok" | "error";
  attributes: SpanAttributes;
}

/** Where finished spans go: the store (always), OpenTelemetry (when configured). */
export interface TraceSink {
  write(spans: readonly TraceSpan[]): Promise<void>;
  /** Pushes out what the sink itself buffers (an exporter's batch). */
  flush?(): Promise<void>;
  close?(): Promise<void>;
}

/** A span under way: `end` records it, once. */
export interface ActiveSpan {
  readonly startedAt: number;
  set(attributes: SpanAttributes): void;
  end(attributes?: SpanAttributes, status?: TraceSpan["status"]): void;
}

/**
 * The port the stages call. Recording never waits on a store and never throws: spans are buffered and written in
 * batches (one insert for many messages), so tracing costs a few object allocations per step.
 */
export interface Tracer {
  start(traceKey: string, name: SpanName, attributes?: SpanAttributes): ActiveSpan;
  /** A step whose start and end are already known. */
  record(span: TraceSpan): void;
  /** Writes what is buffered now (the trace API calls it before reading, a shutdown before closing the store). */
  flush(): Promise<void>;
  close(): Promise<void>;
  now(): number;
}

export interface TracerOptions {
  sinks: readonly TraceSink[];
  logger: Logger;
  now?: () => number;
  /** How long spans wait for company before a batch is written. */
  flushDelayMs?: number;
  /** A batch this large is written at once. */
  maxBatch?: number;
}

/** Strings kept short: a span describes a step, it does not carry the conversation. */
export function clip(text: string, maxLength = 200): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

export function createTracer(options: TracerOptions): Tracer {
  const now = options.now ?? Date.now;
  const flushDelayMs = options.flushDelayMs ?? 200;
  const maxBatch = options.maxBatch ?? 256;
  let buffer: TraceSpan[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();

  const writeBatch = async (batch: readonly TraceSpan[]) => {
    for (const sink of options.sinks) {
      try {
        await sink.write(batch);
      } catch (error) {
        options.logger.warn({ err: error, spans: batch.length }, "writing trace spans failed");
      }
    }
  };
  const drain = (): Promise<void> => {
    clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return writing;
    const batch = buffer;
    buffer = [];
    writing = writing.then(() => writeBatch(batch));
    return writing;
  };
  const record = (span: TraceSpan) => {
    buffer.push(span);
    if (buffer.length >= maxBatch) void drain();
    else if (!timer) {
      timer = setTimeout(() => void drain(), flushDelayMs);
      timer.unref();
    }
  };

  return {
    now,
    record,
    start(traceKey, name, attributes = {}) {
      const startedAt = now();
      let isEnded = false;
      const shown: SpanAttributes = { ...attributes };
      return {
        startedAt,
        set: (more) => Object.assign(shown, more),
        end(more = {}, status = "ok") {
          if (isEnded) return;
          isEnded = true;
          record({ traceKey, name, startedAt, endedAt: now(), status, attributes: { ...shown, ...more } });
        },
      };
    },
    async flush() {
      await drain();
      for (const sink of options.sinks) await sink.flush?.().catch((error: unknown) => options.logger.warn({ err: error }, "flushing trace spans failed"));
    },
    async close() {
      await this.flush();
      for (const sink of options.sinks) await sink.close?.().catch((error: unknown) => options.logger.warn({ err: error }, "closing a trace sink failed"));
    },
  };
}

const ended: ActiveSpan = { startedAt: 0, set: () => undefined, end: () => undefined };

/** Records nothing (unit tests of other parts, and pipelines built without a tracer). */
export const noTracer: Tracer = {
  start: () => ended,
  record: () => undefined,
  flush: async () => undefined,
  close: async () => undefined,
  now: Date.now,
};

/** The trace an outbox part belongs to: its key is the turn's first inbox key plus `:<part>`. */
export function traceKeyOfPart(outboxKey: string): { traceKey: string; part: string } {
  const cut = outboxKey.lastIndexOf(":");
  return cut <= 0 ? { traceKey: outboxKey, part: "" } : { traceKey: outboxKey.slice(0, cut), part: outboxKey.slice(cut + 1) };
}
