import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conversationKey } from "../../../../core/types/conversation.ts";
import { directChat, message } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const chatKey = conversationKey(directChat);

/** A turn's writes: taking the conversation with its next turn, opening its session with its run, finishing, giving back. */
export function describeTurnsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: taking a conversation and giving it back`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });
    const queue = async (...ids: string[]) => {
      for (const id of ids) await store().inbox.insert(message({ id, text: `m${id}` }), t0 + Number(id));
      await store().inbox.setStatus(ids.map((id) => `telegram:${id}`), "queued");
    };

    it("takes a free conversation with what waits in it and its choice; refuses a held one and claims nothing", async () => {
      await queue("1", "2");
      await store().choices.set(chatKey, { agent: "llm", model: "m-1" }, t0);
      const other = await factory.openAnother();
      const begun = await store().turns.begin(chatKey, "a", 10_000, {});
      expect(begun?.rows.map((row) => [row.message.id, row.status])).toEqual([["1", "running"], ["2", "running"]]);
      expect(begun?.choice).toEqual({ agent: "llm", model: "m-1" });
      await queue("3");
      expect(await other.turns.begin(chatKey, "b", 10_000, {})).toBeUndefined();
      expect(await other.leases.holder(chatKey)).toBe("a");
      // The refused take left the new row queued, for the holder to find as it gives the conversation back.
      expect(await store().turns.end(chatKey, "a", {})).toBe(true);
      const next = await other.turns.begin(chatKey, "b", 10_000, {});
      expect(next?.rows.map((row) => row.message.id)).toEqual(["3"]);
      expect(next?.choice).toEqual({ agent: "llm", model: "m-1" });
    });

    it("takes a conversation with nothing waiting (no rows), and gives it back with nothing to do", async () => {
      expect(await store().turns.begin(chatKey, "a", 10_000, {})).toEqual({ rows: [], choice: {} });
      expect(await store().turns.end(chatKey, "a", {})).toBe(false);
      expect(await store().leases.holder(chatKey)).toBeUndefined();
    });

    it("takes over a dead holder's conversation once its lease ran out, its running turn first", async () => {
      await queue("1", "2");
      expect(await store().turns.begin(chatKey, "a", 30, {})).toBeDefined();
      await queue("3");
      await new Promise((resolve) => setTimeout(resolve, 60));
      const other = await factory.openAnother();
      const begun = await other.turns.begin(chatKey, "b", 10_000, { isTakeover: true });
      expect(begun?.rows.map((row) => row.message.id)).toEqual(["1", "2"]);
      // Giving back under a lease no longer held releases nothing.
      await store().turns.end(chatKey, "a", {});
      expect(await other.leases.holder(chatKey)).toBe("b");
    });

    it("holds rows back behind an earlier one still being taken in, as the inbox's claim does", async () => {
      await store().inbox.insert(message({ id: "0", text: "m0" }), t0);
      await queue("1");
      expect(await store().turns.begin(chatKey, "a", 10_000, { heldBehindSince: t0 - 1 })).toEqual({ rows: [], choice: {} });
      expect(await store().turns.end(chatKey, "a", { heldBehindSince: t0 - 1 })).toBe(false);
      expect(await store().turns.end(chatKey, "a", { heldBehindSince: t0 + 1 })).toBe(true);
    });
  });

  describe(`${name}: taking a conversation for a message just admitted`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });
    const receive = async (...ids: string[]) => {
      for (const id of ids) await store().inbox.insert(message({ id, text: `m${id}` }), t0 + Number(id));
    };
    const statuses = async () => (await store().conversations.messages(chatKey, { limit: 10 })).messages.map((entry) => entry.status);

    it("claims the message with what queued before it, in arrival order", async () => {
      await receive("1", "2");
      await store().inbox.setStatus(["telegram:1"], "queued");
      const begun = await store().turns.begin(chatKey, "a", 10_000, { queueKey: "telegram:2", heldBehindSince: t0 - 1 });
      expect(begun?.rows.map((row) => [row.message.id, row.status])).toEqual([["1", "running"], ["2", "running"]]);
      expect(await store().turns.end(chatKey, "a", {})).toBe(false);
    });

    it("queues the message when another holder has the conversation, for that holder to find as it gives it back", async () => {
      await receive("1");
      const other = await factory.openAnother();
      expect(await other.turns.begin(chatKey, "b", 10_000, {})).toEqual({ rows: [], choice: {} });
      expect(await store().turns.begin(chatKey, "a", 10_000, { queueKey: "telegram:1" })).toBeUndefined();
      expect(await statuses()).toEqual(["queued"]);
      expect(await other.turns.end(chatKey, "b", {})).toBe(true);
    });

    it("queues the message without claiming it while an earlier one is still being taken in", async () => {
      await receive("0", "1");
      expect(await store().turns.begin(chatKey, "a", 10_000, { queueKey: "telegram:1", heldBehindSince: t0 - 1 })).toEqual({ rows: [], choice: {} });
      expect(await statuses()).toEqual(["received", "queued"]);
      expect(await store().turns.end(chatKey, "a", { heldBehindSince: t0 - 1 })).toBe(false);
    });

    it("leaves a message already finished as it is", async () => {
      await receive("1");
      await store().inbox.setStatus(["telegram:1"], "ignored");
      expect(await store().turns.begin(chatKey, "a", 10_000, { queueKey: "telegram:1" })).toEqual({ rows: [], choice: {} });
      expect(await statuses()).toEqual(["ignored"]);
    });
  });

  describe(`${name}: starting a turn's run`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });
    const run = (ref: string, startedAt: number) => ({ ref, conversationKey: chatKey, senderId: "u1", agentId: "builtin", inboxKeys: [`telegram:${ref}`], startedAt });

    it("opens the session on the first run and continues it on the next, each run recorded under it", async () => {
      const first = await store().turns.start(run("r1", t0), 10);
      expect(first).toMatchObject({ conversationKey: chatKey, createdAt: t0, summary: "", history: [] });
      await store().turns.finish({ doneKeys: [], session: { id: first.id, messages: [{ role: "user", text: "hi", createdAt: t0 + 1 }] } });
      const second = await store().turns.start(run("r2", t0 + 2), 10);
      expect(second.id).toBe(first.id);
      expect(second.history.map((entry) => [entry.role, entry.text])).toEqual([["user", "hi"]]);
      const runs = await store().audit.list({ kind: "run" }, 10);
      expect(runs.map((entry) => [entry.runRef, entry.agentId, entry.at]).sort()).toEqual([["r1", "builtin", t0], ["r2", "builtin", t0 + 2]]);
      expect((await store().sessions.current(chatKey, t0 + 3, 10)).id).toBe(first.id);
    });

    it("opens a new session after the last one ended, with only its own history", async () => {
      const first = await store().turns.start(run("r1", t0), 10);
      await store().sessions.append(first.id, [{ role: "user", text: "old", createdAt: t0 + 1 }]);
      await store().sessions.end(chatKey, t0 + 2);
      const next = await store().turns.start(run("r2", t0 + 3), 10);
      expect(next.id).not.toBe(first.id);
      expect(next.history).toEqual([]);
    });
  });

  describe(`${name}: finishing a turn`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    /** A turn in progress: two messages claimed, a session, a run started. */
    const startTurn = async () => {
      await store().inbox.insert(message({ id: "1", text: "first" }), t0);
      await store().inbox.insert(message({ id: "2", text: "second" }), t0 + 1);
      await store().inbox.setStatus(["telegram:1", "telegram:2"], "queued");
      const rows = await store().inbox.claimQueued(chatKey);
      const session = await store().sessions.current(chatKey, t0 + 2, 10);
      await store().audit.startRun({ ref: "r1", conversationKey: chatKey, sessionId: session.id, senderId: "telegram:u1", agentId: "builtin", inboxKeys: rows.map((row) => row.key), startedAt: t0 + 3 });
      return { keys: rows.map((row) => row.key), session };
    };
    const page = () => store().conversations.messages(chatKey, { limit: 10 });

    it("records the session's messages, finishes the rows and ends the run, as one", async () => {
      const { keys, session } = await startTurn();
      await store().turns.finish({
        doneKeys: keys,
        session: { id: session.id, messages: [{ role: "user", text: "first\nsecond", createdAt: t0 + 3 }, { role: "assistant", text: "hi", createdAt: t0 + 4 }] },
        run: { ref: "r1", outcome: "ok", endedAt: t0 + 5 },
      });
      expect((await store().sessions.history(chatKey, 10)).map((entry) => [entry.role, entry.text])).toEqual([["user", "first\nsecond"], ["assistant", "hi"]]);
      const messages = (await page()).messages;
      expect(messages.map((entry) => entry.status)).toEqual(["done", "done"]);
      expect(messages[0]!.runs.map((run) => [run.ref, run.outcome, run.endedAt])).toEqual([["r1", "ok", t0 + 5]]);
      expect(await store().inbox.claimQueued(chatKey, { isTakeover: true })).toEqual([]);
    });

    it("leaves the rows running after a shutdown, so the next start runs the turn again", async () => {
      const { keys } = await startTurn();
      await store().turns.finish({ doneKeys: [], run: { ref: "r1", outcome: "stopped", endedAt: t0 + 5, detail: "shutting down" } });
      expect((await page()).messages.map((entry) => entry.status)).toEqual(["running", "running"]);
      // The next start: recovery queues the rows again, and the turn is claimed whole.
      await store().inbox.recover();
      expect((await store().inbox.claimQueued(chatKey, { isTakeover: true })).map((row) => row.key)).toEqual(keys);
      expect(await store().sessions.history(chatKey, 10)).toEqual([]);
    });

    it("finishes rows without a run or session (a turn refused before it started), and never moves a finished row back", async () => {
      const { keys } = await startTurn();
      await store().inbox.setStatus([keys[0]!], "ignored");
      await store().turns.finish({ doneKeys: keys });
      const messages = (await page()).messages;
      expect(messages.map((entry) => entry.status)).toEqual(["ignored", "done"]);
      expect(messages[0]!.runs[0]!.outcome).toBeUndefined();
    });
  });
}
