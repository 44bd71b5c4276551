import { describe, expect, it } from "vitest";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import { readTrace } from "../../../core/trace-read.ts";
import type { TraceSpan } from "../../../core/trace.ts";

const span = (traceKey: string, name: TraceSpan["name"], startedAt: number, endedAt: number, attributes: TraceSpan["attributes"] = {}): TraceSpan => ({
  traceKey, name, startedAt, endedAt, status: "ok", attributes,
});

describe("reading a trace", () => {
  it("orders the steps by start, the enclosing one first", async () => {
    const store = createSqliteStore(":memory:");
    await store.traces.append([span("web:a", "store", 100, 101), span("web:a", "policy", 101, 102), span("web:a", "message", 100, 150)]);
    const trace = await readTrace(store.traces, "web:a");
    expect(trace.spans.map((one) => one.name)).toEqual(["message", "store", "policy"]);
    expect([trace.startedAt, trace.endedAt]).toEqual([100, 150]);
    store.close();
  });

  it("shows a message collected into an earlier message's turn with that turn's steps, not the other message's own", async () => {
    const store = createSqliteStore(":memory:");
    await store.traces.append([
      span("web:a", "message", 100, 400),
      span("web:a", "policy", 100, 101, { decision: "admit" }),
      span("web:a", "model", 210, 300, { model: "m" }),
      span("web:a", "send", 300, 310, { part: "0" }),
      span("web:a", "turn", 200, 320, { turnKey: "web:a" }),
      span("web:b", "message", 150, 160),
      span("web:b", "queue", 151, 152),
      span("web:b", "turn", 200, 320, { turnKey: "web:a" }),
    ]);
    const trace = await readTrace(store.traces, "web:b");
    expect(trace.spans.map((one) => `${one.traceKey} ${one.name}`)).toEqual(["web:b message", "web:b queue", "web:b turn", "web:a model", "web:a send"]);
    expect((await readTrace(store.traces, "web:none")).spans).toEqual([]);
    store.close();
  });
});
