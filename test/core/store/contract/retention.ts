import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRecord, PruneCutoffs, Store } from "../../../../core/store/store.ts";
import { conversationKey } from "../../../../core/types/conversation.ts";
import { directChat, groupChat, message } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const dayMs = 24 * 60 * 60 * 1000;
const now = 1_800_000_000_000;
const cutoffs: PruneCutoffs = { before: now - 90 * dayMs, inboxKeysBefore: now - 97 * dayMs };
const old = now - 91 * dayMs;
const ancient = now - 98 * dayMs;
const recent = now - 89 * dayMs;

const approval = (id: string, createdAt: number): ApprovalRecord => ({
  id, conversation: directChat, requesterRef: "telegram:u1", tool: "shell", summary: "ls",
  status: "pending", createdAt, expiresAt: createdAt + 600_000, decidedBy: undefined, isAlways: false,
});

/** One of everything retention looks at, old and recent, finished and not. */
async function fill(store: Store) {
  for (const [id, at, status] of [["old", old, "done"], ["ancient", ancient, "done"], ["waiting", ancient, "received"], ["new", recent, "done"]] as const) {
    await store.inbox.insert(message({ id, text: `secret ${id}` }), at);
    if (status === "done") await store.inbox.setStatus([`telegram:${id}`], "done");
  }

  const oldSession = await store.sessions.current(conversationKey(directChat), old, 10);
  await store.sessions.append(oldSession.id, [{ role: "user", text: "old words", createdAt: old }]);
  await store.sessions.end(conversationKey(directChat), old);
  const newSession = await store.sessions.current(conversationKey(groupChat), recent, 10);
  await store.sessions.append(newSession.id, [{ role: "user", text: "new words", createdAt: recent }]);

  const run = { conversationKey: "telegram:100", sessionId: oldSession.id, senderId: "u1", agentId: "llm", inboxKeys: [] };
  await store.audit.startRun({ ...run, ref: "run-old", startedAt: old });
  await store.audit.recordEvent("run-old", old, "tool-call", { tool: "shell" });
  await store.audit.finishRun("run-old", "ok", old);
  await store.audit.startRun({ ...run, ref: "run-unfinished", startedAt: old });
  await store.audit.startRun({ ...run, ref: "run-new", startedAt: recent });
  await store.audit.recordEvent("run-new", recent, "tool-call", { tool: "shell" });
  await store.audit.finishRun("run-new", "ok", recent);

  const part = { type: "markdown" as const, text: "answer" };
  await store.outbox.markSent({ key: "sent-old", conversation: directChat, part }, "m1", old);
  await store.outbox.put("pending-old", directChat, part, old);
  await store.outbox.markSent({ key: "sent-new", conversation: directChat, part }, "m2", recent);

  await store.approvals.create(approval("apold", old));
  await store.approvals.settle("apold", "approved", "telegram:admin", old + 1);
  await store.approvals.create(approval("appen", old));
  await store.approvals.create(approval("apnew", recent));
  await store.approvals.settle("apnew", "denied", "telegram:admin", recent + 1);

  for (const [traceKey, at] of [["telegram:old", old], ["telegram:new", recent]] as const) {
    await store.traces.append([{ traceKey, name: "store", startedAt: at, endedAt: at + 1, status: "ok", attributes: {} }]);
  }
}

/** Retention (`PINCER_RETENTION_DAYS`): finished rows past the cutoff go, everything still in flight stays. */
export function describeRetentionContract(name: string, factory: StoreFactory): void {
  describe(`${name}: retention`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("counts what it prunes per kind, and prunes nothing twice", async () => {
      await fill(store());
      expect(await store().retention.prune(cutoffs)).toEqual({
        inboxBodies: 2, inboxKeys: 1, runs: 1, runEvents: 1, sessionMessages: 1, sessions: 1, outbox: 1, approvals: 1, traceSpans: 1, storedFiles: 0,
      });
      expect(await store().retention.prune(cutoffs)).toEqual({
        inboxBodies: 0, inboxKeys: 0, runs: 0, runEvents: 0, sessionMessages: 0, sessions: 0, outbox: 0, approvals: 0, traceSpans: 0, storedFiles: 0,
      });
      expect(await store().traces.list("telegram:old")).toEqual([]);
      expect(await store().traces.list("telegram:new")).toHaveLength(1);
    });

    it("keeps recent rows, unfinished work and the keys a late redelivery needs", async () => {
      await fill(store());
      await store().retention.prune(cutoffs);
      // A pruned message's key is kept past `before`, so it is still a duplicate; past `inboxKeysBefore` it is gone.
      expect(await store().inbox.insert(message({ id: "old" }), now)).toBe(false);
      expect(await store().inbox.insert(message({ id: "new" }), now)).toBe(false);
      expect(await store().inbox.insert(message({ id: "ancient" }), now)).toBe(true);
      // A message never run is recovered whatever its age.
      expect((await store().inbox.recover()).received.map((row) => row.message.id).sort()).toEqual(["ancient", "waiting"]);

      expect(await store().audit.events("run-old")).toEqual([]);
      expect(await store().audit.events("run-new")).toHaveLength(1);
      expect(await store().sessions.history(conversationKey(groupChat), 10)).toMatchObject([{ text: "new words" }]);
      expect(await store().outbox.get("sent-old")).toBeUndefined();
      expect(await store().outbox.get("pending-old")).toMatchObject({ status: "pending" });
      expect(await store().outbox.get("sent-new")).toMatchObject({ status: "sent" });
      expect(await store().approvals.get("apold")).toBeUndefined();
      expect(await store().approvals.get("appen")).toMatchObject({ status: "pending" });
      expect(await store().approvals.get("apnew")).toMatchObject({ status: "denied" });
    });

    it("prunes what another process wrote", async () => {
      await fill(store());
      const other = await factory.openAnother();
      expect((await other.retention.prune(cutoffs)).outbox).toBe(1);
      expect(await store().outbox.get("sent-old")).toBeUndefined();
    });
  });
}
