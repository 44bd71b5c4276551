import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conversationKey } from "../../../../core/types/conversation.ts";
import { directChat, message } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const chatKey = conversationKey(directChat);

/** The end of a turn: its session messages, its inbox rows done and its run's outcome, written together. */
export function describeTurnsContract(name: string, factory: StoreFactory): void {
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
