import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TraceSpan } from "../../../../core/trace.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const span = (traceKey: string, name: TraceSpan["name"], startedAt: number, attributes: TraceSpan["attributes"] = {}): TraceSpan => ({
  traceKey, name, startedAt, endedAt: startedAt + 5, status: "ok", attributes,
});

/** Traces: spans written in batches, read back per message in the order recorded, pruned by age. */
export function describeTracesContract(name: string, factory: StoreFactory): void {
  describe(`${name}: traces`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("reads a message's spans back in the order they were written, with their attributes", async () => {
      await store().traces.append([
        span("telegram:1", "message", t0, { platform: "telegram" }),
        span("telegram:2", "store", t0 + 1),
        { ...span("telegram:1", "policy", t0 + 2, { decision: "drop", reason: "not addressed", isGroup: true, tokens: 12 }), status: "error" },
      ]);
      await store().traces.append([]);
      await store().traces.append([span("telegram:1", "send", t0 + 3)]);
      const spans = await store().traces.list("telegram:1");
      expect(spans.map((one) => one.name)).toEqual(["message", "policy", "send"]);
      expect(spans[1]).toEqual({
        traceKey: "telegram:1", name: "policy", startedAt: t0 + 2, endedAt: t0 + 7, status: "error",
        attributes: { decision: "drop", reason: "not addressed", isGroup: true, tokens: 12 },
      });
      expect(await store().traces.list("telegram:none")).toEqual([]);
    });

    it("prunes spans older than the retention", async () => {
      await store().traces.append([span("telegram:old", "message", t0 - 10_000), span("telegram:new", "message", t0)]);
      const counts = await store().retention.prune({ before: t0 - 1, inboxKeysBefore: t0 - 1 });
      expect(counts.traceSpans).toBe(1);
      expect(await store().traces.list("telegram:old")).toEqual([]);
      expect(await store().traces.list("telegram:new")).toHaveLength(1);
    });
  });
}
