import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conversationKey } from "../../../../core/types/conversation.ts";
import { directChat, groupChat, message } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const chatKey = conversationKey(directChat);

/** The inbox: dedupe on insert, turns claimed in order (and claimed again alike after a crash), recovery. */
export function describeInboxContract(name: string, factory: StoreFactory): void {
  describe(`${name}: inbox`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("records a message once per (platform, id)", async () => {
      expect(await store().inbox.insert(message({ id: "1" }), t0)).toBe(true);
      expect(await store().inbox.insert(message({ id: "1", text: "retry" }), t0 + 1)).toBe(false);
    });

    it("keeps the same id from another platform apart", async () => {
      expect(await store().inbox.insert(message({ id: "1" }), t0)).toBe(true);
      const slack = message({ id: "1", conversation: { ...directChat, platform: "slack" } });
      expect(await store().inbox.insert(slack, t0)).toBe(true);
    });

    it("keeps the same id from a second bot of one platform apart, and dedupes within each", async () => {
      const second = (text: string) => message({ id: "1", text, conversation: { ...directChat, channelId: "telegram-2" } });
      expect(await store().inbox.insert(message({ id: "1" }), t0)).toBe(true);
      expect(await store().inbox.insert(second("hello"), t0)).toBe(true);
      expect(await store().inbox.insert(second("retry"), t0 + 1)).toBe(false);
    });

    it("claims queued messages in arrival order and marks them running", async () => {
      for (const id of ["b", "a", "c"]) await store().inbox.insert(message({ id, text: id }), t0);
      await store().inbox.insert(message({ id: "g", conversation: groupChat }), t0);
      await store().inbox.setStatus(["telegram:b", "telegram:a", "telegram:c", "telegram:g"], "queued");

      const claimed = await store().inbox.claimQueued(chatKey);
      expect(claimed.map((row) => row.message.id)).toEqual(["b", "a", "c"]);
      expect(claimed.every((row) => row.status === "running")).toBe(true);
      expect(await store().inbox.hasQueued(chatKey)).toBe(false);
      expect(await store().inbox.claimQueued(chatKey)).toEqual([]);
      expect(await store().inbox.countQueued()).toBe(1);
    });

    it("does not keep the raw platform payload", async () => {
      await store().inbox.insert(message({ id: "1", raw: { huge: "x".repeat(1000) } }), t0);
      await store().inbox.setStatus(["telegram:1"], "queued");
      const [row] = await store().inbox.claimQueued(chatKey);
      expect(row?.message.raw).toBeUndefined();
      expect(row?.message.segments).toEqual([{ type: "text", text: "hello" }]);
    });

    it("after a crash, puts running messages back in the queue and returns received ones", async () => {
      for (const id of ["1", "2", "3", "4"]) await store().inbox.insert(message({ id }), t0);
      await store().inbox.setStatus(["telegram:1"], "queued");
      await store().inbox.claimQueued(chatKey);
      await store().inbox.setStatus(["telegram:2"], "done");
      await store().inbox.setStatus(["telegram:3"], "ignored");

      const recovered = await store().inbox.recover();
      expect(recovered.received.map((row) => row.message.id)).toEqual(["4"]);
      expect(recovered.queuedConversations).toEqual([chatKey]);
      expect((await store().inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1"]);
    });
  });

  describe(`${name}: inbox across a crash`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    const queue = async (...ids: string[]) => {
      for (const id of ids) await store().inbox.insert(message({ id, text: id }), t0);
      await store().inbox.setStatus(ids.map((id) => `telegram:${id}`), "queued");
    };

    it("runs an interrupted turn again with exactly its rows, before messages that queued after it", async () => {
      await queue("1", "2");
      expect((await store().inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1", "2"]);
      await queue("3");
      await store().inbox.recover();
      // The same rows, so the same first key and the same outbox keys: what was sent is found, not sent again.
      expect((await store().inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1", "2"]);
      expect((await store().inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["3"]);
    });

    it("holds queued messages behind an older one still being taken in, until it is queued or grown stale", async () => {
      await store().inbox.insert(message({ id: "0", text: "0" }), t0 + 10);
      await queue("1");
      expect(await store().inbox.hasQueued(chatKey, { heldBehindSince: t0 })).toBe(false);
      expect(await store().inbox.claimQueued(chatKey, { heldBehindSince: t0 })).toEqual([]);
      // Received before the window: whoever took it in is gone, and recovery resumes it later.
      expect(await store().inbox.hasQueued(chatKey, { heldBehindSince: t0 + 10 })).toBe(true);
      await store().inbox.setStatus(["telegram:0"], "queued");
      expect((await store().inbox.claimQueued(chatKey, { heldBehindSince: t0 })).map((row) => row.message.id)).toEqual(["0", "1"]);
    });

    it("gives the next holder of the conversation a dead holder's running turn first, before it was recovered", async () => {
      await queue("1", "2");
      await store().inbox.claimQueued(chatKey);
      // Its holder died mid-run; the conversation's lease ran out and another worker took it, before any recovery.
      await queue("3");
      const other = await factory.openAnother();
      expect((await other.inbox.claimQueued(chatKey, { isTakeover: true })).map((row) => row.message.id)).toEqual(["1", "2"]);
      await other.inbox.setStatus(["telegram:1", "telegram:2"], "done");
      expect((await other.inbox.claimQueued(chatKey, { isTakeover: true })).map((row) => row.message.id)).toEqual(["3"]);
    });

    it("keeps the interrupted turn apart from a message received before it but queued only after the restart", async () => {
      await store().inbox.insert(message({ id: "0", text: "0" }), t0);
      await queue("1");
      await store().inbox.claimQueued(chatKey);
      await store().inbox.recover();
      await store().inbox.setStatus(["telegram:0"], "queued");
      expect((await store().inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1"]);
      expect((await store().inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["0"]);
    });

    it("never moves a row back: a message processed twice cannot queue an answered turn again", async () => {
      await queue("1");
      await store().inbox.claimQueued(chatKey);
      await store().inbox.setStatus(["telegram:1"], "queued");
      expect(await store().inbox.hasQueued(chatKey)).toBe(false);
      await store().inbox.setStatus(["telegram:1"], "done");
      await store().inbox.setStatus(["telegram:1"], "queued");
      expect(await store().inbox.hasQueued(chatKey)).toBe(false);
      expect((await store().inbox.recover()).queuedConversations).toEqual([]);
    });

    it("leaves to live workers what they hold when recovering", async () => {
      await queue("1");
      await store().inbox.claimQueued(chatKey);
      await store().inbox.insert(message({ id: "2", conversation: groupChat }), t0);
      const recovered = await store().inbox.recover({ conversationKeys: [chatKey], messageKeys: ["telegram:2"] });
      expect(recovered).toEqual({ received: [], queuedConversations: [] });
      expect(await store().inbox.claimQueued(chatKey)).toEqual([]);
    });

    it("leaves fresh received rows to the process taking them in when a periodic recovery asks so", async () => {
      await store().inbox.insert(message({ id: "old" }), t0);
      await store().inbox.insert(message({ id: "new" }), t0 + 50_000);
      const { received } = await store().inbox.recover({ conversationKeys: [], messageKeys: [], receivedBefore: t0 + 30_000 });
      expect(received.map((row) => row.message.id)).toEqual(["old"]);
    });
  });
}
