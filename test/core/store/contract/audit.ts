import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RunRecord } from "../../../../core/store/store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const run = (ref: string): RunRecord => ({
  ref, conversationKey: "telegram:100", sessionId: "s1", senderId: "telegram:u1", agentId: "llm", inboxKeys: ["telegram:m1", "telegram:m2"], startedAt: t0,
});

/** Audit: a run and its steps (tool calls, permission decisions), in the order they happened, for every process. */
export function describeAuditContract(name: string, factory: StoreFactory): void {
  describe(`${name}: audit`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("returns a run's events in the order they were recorded, with their details as written", async () => {
      await store().audit.startRun(run("r1"));
      // Same timestamp on purpose: the order of recording decides, not the clock.
      await store().audit.recordEvent("r1", t0 + 5, "tool-call", { tool: "shell", args: { command: "ls -la" }, count: 2 });
      await store().audit.recordEvent("r1", t0 + 5, "permission", { decision: "approved", by: "telegram:admin", isAlways: false });
      await store().audit.recordEvent("r1", t0 + 6, "tool-result", { text: "总计 0\n\"quoted\" 'single'" });
      expect(await store().audit.events("r1")).toEqual([
        { at: t0 + 5, kind: "tool-call", detail: { tool: "shell", args: { command: "ls -la" }, count: 2 } },
        { at: t0 + 5, kind: "permission", detail: { decision: "approved", by: "telegram:admin", isAlways: false } },
        { at: t0 + 6, kind: "tool-result", detail: { text: "总计 0\n\"quoted\" 'single'" } },
      ]);
    });

    it("keeps the events of different runs apart and has none for an unknown run", async () => {
      await store().audit.startRun(run("r1"));
      await store().audit.startRun({ ...run("r2"), conversationKey: "telegram:-500" });
      await store().audit.recordEvent("r1", t0, "tool-call", { tool: "a" });
      await store().audit.recordEvent("r2", t0, "tool-call", { tool: "b" });
      expect((await store().audit.events("r1")).map((event) => event.detail)).toEqual([{ tool: "a" }]);
      expect((await store().audit.events("r2")).map((event) => event.detail)).toEqual([{ tool: "b" }]);
      expect(await store().audit.events("r3")).toEqual([]);
    });

    it("shows the steps of a run on one process to another process", async () => {
      await store().audit.startRun(run("r1"));
      await store().audit.recordEvent("r1", t0, "tool-call", { tool: "shell" });
      await store().audit.finishRun("r1", "error", t0 + 10, "boom");
      const other = await factory.openAnother();
      await other.audit.recordEvent("r1", t0 + 11, "note", { from: "other" });
      expect((await store().audit.events("r1")).map((event) => event.kind)).toEqual(["tool-call", "note"]);
    });

    it("records a run's end: a finished run is what retention may prune, a running one stays", async () => {
      await store().audit.startRun(run("finished"));
      await store().audit.startRun(run("running"));
      await store().audit.finishRun("finished", "ok", t0 + 1);
      const counts = await store().retention.prune({ before: t0 + 100, inboxKeysBefore: t0 });
      expect(counts.runs).toBe(1);
      // The running run is still there: finishing it now makes it prunable.
      await store().audit.finishRun("running", "stopped", t0 + 2, "stopped by telegram:u1");
      expect((await store().retention.prune({ before: t0 + 100, inboxKeysBefore: t0 })).runs).toBe(1);
    });
  });
}
