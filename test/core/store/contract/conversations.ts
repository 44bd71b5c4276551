import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { conversationKey, type ConversationRef } from "../../../../core/types/conversation.ts";
import { directChat, groupChat, message } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";
import type { Store } from "../../../../core/store/store.ts";

const t0 = 1_700_000_000_000;
const chat = (n: number): ConversationRef => ({ platform: "telegram", chatId: `c${n}`, kind: "direct" });

/** A turn as the pipeline leaves it: the message, its run with a tool call, an approval, a model call, two reply parts. */
async function scriptedTurn(store: Store) {
  const key = "telegram:q1";
  await store.inbox.insert(message({ id: "q1", text: "please list the files" }), t0 + 10);
  await store.audit.startRun({
    ref: "run-1", conversationKey: conversationKey(directChat), sessionId: "s1", senderId: "u1", agentId: "llm", inboxKeys: [key], startedAt: t0 + 11,
  });
  await store.audit.recordEvent("run-1", t0 + 12, "tool-call", { tool: "shell", summary: `ls ${"x".repeat(5000)}`, risk: "dangerous" });
  await store.approvals.create({
    id: "ap1", conversation: directChat, requesterRef: "telegram:u1", tool: "shell", summary: "ls", status: "pending",
    createdAt: t0 + 12, expiresAt: t0 + 600_000, decidedBy: undefined, isAlways: false, runRef: "run-1",
  });
  await store.approvals.settle("ap1", "approved", "console:admin", t0 + 13);
  await store.audit.recordEvent("run-1", t0 + 14, "tool-result", { tool: "shell", chars: 9, preview: "a.txt b.txt" });
  await store.usage.record({
    at: t0 + 15, userRef: "telegram:u1", conversationKey: conversationKey(directChat), model: "gpt-test",
    inputTokens: 120, outputTokens: 30, cachedTokens: 0, costUsd: 0.0012, runRef: "run-1",
  });
  await store.usage.record({
    at: t0 + 15, userRef: "telegram:u9", conversationKey: conversationKey(directChat), model: "other", inputTokens: 1, outputTokens: 1, cachedTokens: 0, costUsd: 0,
  });
  await store.outbox.markSent({ key: `${key}:0`, conversation: directChat, part: { type: "markdown", text: "a.txt b.txt" } }, "900", t0 + 16);
  await store.outbox.put(`${key}:1`, directChat, { type: "markdown", text: "second part" }, t0 + 17);
  await store.outbox.put("telegram:q10:0", directChat, { type: "markdown", text: "not this turn's" }, t0 + 17);
  await store.audit.finishRun("run-1", "ok", t0 + 20);
}

/** Conversations as the console reads them: a list kept current from the inbox, search, one conversation's runs. */
export function describeConversationsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: conversations`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("lists each conversation once, most recent first, with its last message and count", async () => {
      await store().inbox.insert(message({ id: "1", text: "first" }), t0);
      await store().inbox.insert(message({ id: "2", conversation: groupChat, sender: { id: "u2", displayName: "Bo", isBot: false }, text: "in the group" }), t0 + 1);
      await store().inbox.insert(message({ id: "3", text: `second ${"y".repeat(500)}` }), t0 + 2);
      await store().inbox.insert(message({ id: "3", text: "a redelivery" }), t0 + 3);

      const { conversations, nextCursor } = await store().conversations.list({ limit: 10 });
      expect(conversations.map((each) => each.key)).toEqual(["telegram:100", "telegram:-500"]);
      expect(conversations[0]).toMatchObject({ channelId: "telegram", platform: "telegram", chatId: "100", kind: "direct", lastSender: "Ada", lastAt: t0 + 2, messageCount: 2 });
      expect(conversations[0]!.lastText.startsWith("second yyy")).toBe(true);
      expect(conversations[0]!.lastText.length).toBeLessThanOrEqual(201);
      expect(conversations[1]).toMatchObject({ kind: "group", lastSender: "Bo", lastText: "in the group", messageCount: 1 });
      expect(nextCursor).toBeUndefined();
    });

    it("pages through every conversation with the cursor, none twice and none left out", async () => {
      for (let n = 0; n < 7; n += 1) await store().inbox.insert(message({ id: `m${n}`, conversation: chat(n) }), t0 + (n % 3));
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let round = 0; round < 5; round += 1) {
        const page = await store().conversations.list({ limit: 3, cursor });
        seen.push(...page.conversations.map((each) => each.chatId));
        cursor = page.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(cursor).toBeUndefined();
    });

    it("starts from the most recent when the cursor is not one it gave", async () => {
      await store().inbox.insert(message({ id: "1" }), t0);
      expect((await store().conversations.list({ limit: 5, cursor: "bm90IGEgY3Vyc29y" })).conversations).toHaveLength(1);
      expect((await store().conversations.list({ limit: 5, cursor: "'; DROP TABLE inbox; --" })).conversations).toHaveLength(1);
    });

    it("finds conversations by the text of any of their messages, Chinese too, or by chat id", async () => {
      await store().inbox.insert(message({ id: "1", conversation: chat(1), text: "the disk is FULL again" }), t0);
      await store().inbox.insert(message({ id: "2", conversation: chat(1), text: "later message" }), t0 + 1);
      await store().inbox.insert(message({ id: "3", conversation: chat(2), text: "请帮我查看服务器日志" }), t0 + 2);
      await store().inbox.insert(message({ id: "4", conversation: chat(3), text: "nothing here" }), t0 + 3);

      const keys = async (search: string) => (await store().conversations.list({ limit: 10, search })).conversations.map((each) => each.chatId);
      expect(await keys("disk is full")).toEqual(["c1"]);
      expect(await keys("服务器")).toEqual(["c2"]);
      expect(await keys("c3")).toEqual(["c3"]);
      expect(await keys("日志")).toEqual(["c2"]);
      expect(await keys("no such words")).toEqual([]);
      expect(await keys('100% "quoted" _')).toEqual([]);
    });

    it("shows a conversation's messages oldest first, a page at a time", async () => {
      for (let n = 0; n < 5; n += 1) await store().inbox.insert(message({ id: `m${n}`, text: `message ${n}` }), t0 + n);
      await store().inbox.insert(message({ id: "other", conversation: groupChat }), t0 + 9);

      const newest = await store().conversations.messages("telegram:100", { limit: 3 });
      expect(newest.conversation?.messageCount).toBe(5);
      expect(newest.messages.map((each) => each.text)).toEqual(["message 2", "message 3", "message 4"]);
      expect(newest.messages[0]).toMatchObject({ key: "telegram:m2", messageId: "m2", sender: { displayName: "Ada" }, status: "received", receivedAt: t0 + 2 });
      const older = await store().conversations.messages("telegram:100", { limit: 3, before: newest.nextBefore });
      expect(older.messages.map((each) => each.text)).toEqual(["message 0", "message 1"]);
      expect(older.nextBefore).toBeUndefined();
      expect((await store().conversations.messages("telegram:none", { limit: 3 })).messages).toEqual([]);
    });

    it("shows under a message the run it caused: steps trimmed, approvals, model calls, reply parts with their delivery", async () => {
      await scriptedTurn(store());
      const [shown] = (await store().conversations.messages("telegram:100", { limit: 10 })).messages;
      expect(shown?.runs).toHaveLength(1);
      const run = shown!.runs[0]!;
      expect(run).toMatchObject({ ref: "run-1", agentId: "llm", outcome: "ok", startedAt: t0 + 11, endedAt: t0 + 20 });
      expect(run.steps.map((step) => step.kind)).toEqual(["tool-call", "tool-result"]);
      expect(String(run.steps[0]!.detail.summary).length).toBeLessThan(2100);
      expect(run.steps[1]!.detail).toMatchObject({ preview: "a.txt b.txt" });
      expect(run.approvals).toEqual([
        expect.objectContaining({ id: "ap1", tool: "shell", status: "approved", decidedBy: "console:admin", decidedAt: t0 + 13 }),
      ]);
      expect(run.modelCalls).toEqual([{ at: t0 + 15, model: "gpt-test", inputTokens: 120, outputTokens: 30, cachedTokens: 0, costUsd: 0.0012 }]);
      expect(run.replies.map(({ key, status, text, messageId }) => ({ key, status, text, messageId }))).toEqual([
        { key: "telegram:q1:0", status: "sent", text: "a.txt b.txt", messageId: "900" },
        { key: "telegram:q1:1", status: "pending", text: "second part", messageId: undefined },
      ]);
    });
  });
}
