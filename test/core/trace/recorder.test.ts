import { afterEach, describe, expect, it, vi } from "vitest";
import { createTracer, traceKeyOfPart, type TraceSink, type TraceSpan } from "../../../core/trace.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

function collectingSink(): TraceSink & { batches: TraceSpan[][] } {
  const batches: TraceSpan[][] = [];
  return { batches, write: async (spans) => void batches.push([...spans]) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("the trace recorder", () => {
  it("records a span from its start to its end, with the attributes given at both, once", async () => {
    let clock = 1000;
    const sink = collectingSink();
    const tracer = createTracer({ sinks: [sink], logger: recordingLogger(), now: () => clock });
    const span = tracer.start("web:m1", "policy", { chat: "direct" });
    clock = 1012;
    span.set({ role: "owner" });
    span.end({ decision: "admit" });
    span.end({ decision: "twice" });
    await tracer.flush();
    expect(sink.batches.flat()).toEqual([
      { traceKey: "web:m1", name: "policy", startedAt: 1000, endedAt: 1012, status: "ok", attributes: { chat: "direct", role: "owner", decision: "admit" } },
    ]);
  });

  it("writes spans in batches after a short delay, not one store call per span", async () => {
    vi.useFakeTimers();
    const sink = collectingSink();
    const tracer = createTracer({ sinks: [sink], logger: recordingLogger(), flushDelayMs: 200 });
    for (let index = 0; index < 5; index += 1) tracer.start(`web:m${index}`, "store").end();
    expect(sink.batches).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(sink.batches.map((batch) => batch.length)).toEqual([5]);
  });

  it("writes at once when a batch is full", async () => {
    const sink = collectingSink();
    const tracer = createTracer({ sinks: [sink], logger: recordingLogger(), flushDelayMs: 60_000, maxBatch: 3 });
    for (let index = 0; index < 3; index += 1) tracer.start("web:m1", "send").end();
    await vi.waitFor(() => expect(sink.batches.map((batch) => batch.length)).toEqual([3]));
    await tracer.close();
  });

  it("gives every sink the spans, and a failing sink costs only a warning", async () => {
    const logger = recordingLogger();
    const good = collectingSink();
    const broken: TraceSink = { write: async () => { throw new Error("disk full"); } };
    const tracer = createTracer({ sinks: [broken, good], logger });
    tracer.start("web:m1", "store").end();
    await tracer.flush();
    expect(good.batches.flat()).toHaveLength(1);
    expect(logger.find({ level: "warn", message: "writing trace spans failed" })).toBeDefined();
  });

  it("flushes and closes its sinks when it closes", async () => {
    const calls: string[] = [];
    const sink: TraceSink = { write: async () => void calls.push("write"), flush: async () => void calls.push("flush"), close: async () => void calls.push("close") };
    const tracer = createTracer({ sinks: [sink], logger: recordingLogger() });
    tracer.start("web:m1", "store").end();
    await tracer.close();
    expect(calls).toEqual(["write", "flush", "close"]);
  });

  it("files a reply part under the message it answers", () => {
    expect(traceKeyOfPart("telegram:42:0")).toEqual({ traceKey: "telegram:42", part: "0" });
    expect(traceKeyOfPart("web:abc:notice1")).toEqual({ traceKey: "web:abc", part: "notice1" });
  });
});
