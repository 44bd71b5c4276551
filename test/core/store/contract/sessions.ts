import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conversationKey } from "../../../../core/types/conversation.ts";
import { directChat, groupChat } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const chatKey = conversationKey(directChat);

/** Sessions: one open session per conversation, its history and running summary. */
export function describeSessionsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: sessions`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("current() opens a session and returns the same one until it ends", async () => {
      const first = await store().sessions.current(chatKey, t0, 10);
      expect(first).toMatchObject({ conversationKey: chatKey, createdAt: t0, history: [] });
      expect((await store().sessions.current(chatKey, t0 + 1000, 10)).id).toBe(first.id);

      await store().sessions.end(chatKey, t0 + 2000);
      const next = await store().sessions.current(chatKey, t0 + 3000, 10);
      expect(next.id).not.toBe(first.id);
      expect(next).toMatchObject({ createdAt: t0 + 3000, history: [] });
    });

    it("history() reads the open session's latest messages without opening one", async () => {
      expect(await store().sessions.history(chatKey, 10)).toEqual([]);
      expect((await store().sessions.current(chatKey, t0 + 5, 10)).createdAt).toBe(t0 + 5);
      const session = await store().sessions.current(chatKey, t0 + 6, 10);
      await store().sessions.append(session.id, [
        { role: "user", text: "hi", createdAt: t0 + 7 },
        { role: "assistant", text: "hello", createdAt: t0 + 8 },
      ]);
      expect((await store().sessions.history(chatKey, 1)).map((message) => message.text)).toEqual(["hello"]);
    });

    it("keeps sessions of different conversations apart", async () => {
      const direct = await store().sessions.current(chatKey, t0, 10);
      const group = await store().sessions.current(conversationKey(groupChat), t0, 10);
      expect(group.id).not.toBe(direct.id);
    });

    it("returns the most recent messages, oldest first, up to the history limit", async () => {
      const session = await store().sessions.current(chatKey, t0, 10);
      for (let index = 1; index <= 5; index += 1) {
        await store().sessions.append(session.id, [{ role: index % 2 ? "user" : "assistant", text: `m${index}`, createdAt: t0 + index }]);
      }
      const { history } = await store().sessions.current(chatKey, t0 + 10, 3);
      expect(history.map((entry) => entry.text)).toEqual(["m3", "m4", "m5"]);
      expect(history[0]).toEqual({ seq: 3, role: "user", text: "m3", createdAt: t0 + 3 });
      expect(await store().sessions.countMessages(session.id)).toBe(5);
    });

    it("keeps the running summary and leaves the messages it covers out of the history", async () => {
      const session = await store().sessions.current(chatKey, t0, 10);
      for (let index = 1; index <= 4; index += 1) {
        await store().sessions.append(session.id, [{ role: index % 2 ? "user" : "assistant", text: `m${index}`, createdAt: t0 + index }]);
      }
      const before = await store().sessions.current(chatKey, t0, 10);
      await store().sessions.saveSummary(session.id, "talked about m1 and m2", before.history[1]!.seq);
      const after = await store().sessions.current(chatKey, t0, 10);
      expect(after.summary).toBe("talked about m1 and m2");
      expect(after.history.map((entry) => entry.text)).toEqual(["m3", "m4"]);
    });
  });
}
