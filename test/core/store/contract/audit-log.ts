import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditCursorOf, type AuditEntry } from "../../../../core/store/audit-log.ts";
import type { Store } from "../../../../core/store/store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;

async function run(store: Store, ref: string, at: number, who: { chat?: string; sender?: string } = {}) {
  await store.audit.startRun({ ref, conversationKey: who.chat ?? "telegram:100", sessionId: "s", senderId: who.sender ?? "u1", agentId: "llm", inboxKeys: [], startedAt: at });
}

const label = (entry: AuditEntry) => (entry.type === "run" ? `run ${entry.runRef}` : `${entry.kind} ${entry.runRef}`);

/** The audit log: runs and their events, newest first, filtered, in pages that follow each other (keyset). */
export function describeAuditLogContract(name: string, factory: StoreFactory): void {
  describe(`${name}: audit log`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("lists runs and their events newest first, with the run's chat, sender, agent and outcome", async () => {
      await run(store(), "r1", t0);
      await store().audit.recordEvent("r1", t0 + 10, "tool-call", { tool: "shell", summary: "ls" });
      await store().audit.recordEvent("r1", t0 + 20, "tool-decision", { tool: "shell", isApproved: true, decidedBy: "telegram:admin" });
      await store().audit.finishRun("r1", "error", t0 + 30, "model failed");
      await run(store(), "r2", t0 + 40, { chat: "slack:C1", sender: "U9" });
      const entries = await store().audit.list({}, 10);
      expect(entries.map(label)).toEqual(["run r2", "tool-decision r1", "tool-call r1", "run r1"]);
      expect(entries[3]).toEqual({ type: "run", kind: "run", at: t0, runRef: "r1", conversationKey: "telegram:100", senderId: "u1", agentId: "llm", outcome: "error", endedAt: t0 + 30, detail: "model failed" });
      expect(entries[1]).toMatchObject({ type: "event", at: t0 + 20, runRef: "r1", conversationKey: "telegram:100", senderId: "u1", agentId: "llm", detail: { tool: "shell", isApproved: true, decidedBy: "telegram:admin" } });
      expect(entries[0]).toMatchObject({ outcome: undefined, endedAt: undefined });
    });

    it("filters by run, kind, sender, chat and time ([since, until))", async () => {
      await run(store(), "r1", t0);
      await store().audit.recordEvent("r1", t0 + 1, "tool-call", { tool: "shell" });
      await run(store(), "r2", t0 + 100, { chat: "slack:C1", sender: "U9" });
      await store().audit.recordEvent("r2", t0 + 101, "tool-call", { tool: "fetch" });
      await store().audit.recordEvent("r2", t0 + 102, "tool-result", { tool: "fetch" });
      expect((await store().audit.list({ runRef: "r1" }, 10)).map(label)).toEqual(["tool-call r1", "run r1"]);
      expect((await store().audit.list({ kind: "tool-call" }, 10)).map(label)).toEqual(["tool-call r2", "tool-call r1"]);
      expect((await store().audit.list({ kind: "run" }, 10)).map(label)).toEqual(["run r2", "run r1"]);
      expect((await store().audit.list({ senderId: "U9" }, 10)).map(label)).toEqual(["tool-result r2", "tool-call r2", "run r2"]);
      expect((await store().audit.list({ conversationKey: "telegram:100", kind: "tool-call" }, 10)).map(label)).toEqual(["tool-call r1"]);
      expect((await store().audit.list({ since: t0 + 1, until: t0 + 101 }, 10)).map(label)).toEqual(["run r2", "tool-call r1"]);
      expect(await store().audit.list({ kind: "nothing" }, 10)).toEqual([]);
    });

    it("pages through every entry exactly once, runs and events of the same millisecond included", async () => {
      for (const [index, ref] of ["a", "b", "c", "d"].entries()) {
        await run(store(), ref, t0 + Math.floor(index / 2));
        await store().audit.recordEvent(ref, t0 + Math.floor(index / 2), "tool-call", { n: index });
        await store().audit.recordEvent(ref, t0 + 1, "tool-result", { n: index });
      }
      const all = (await store().audit.list({}, 100)).map(label);
      expect(all).toHaveLength(12);
      const paged: string[] = [];
      let page = await store().audit.list({}, 5);
      while (page.length > 0) {
        paged.push(...page.map(label));
        page = await store().audit.list({}, 5, auditCursorOf(page.at(-1)!));
      }
      expect(paged).toEqual(all);
      expect(new Set(paged).size).toBe(12);
      const filtered = await store().audit.list({ kind: "run" }, 2);
      expect((await store().audit.list({ kind: "run" }, 2, auditCursorOf(filtered.at(-1)!))).map(label)).toEqual(["run b", "run a"]);
    });
  });
}
