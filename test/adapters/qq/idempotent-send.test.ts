import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createQqAdapter } from "../../../adapters/qq/index.ts";
import { qqMsgSeq } from "../../../adapters/qq/outbound.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { Store } from "../../../core/store/store.ts";
import type { Adapter } from "../../../core/types/adapter.ts";
import type { ConversationRef } from "../../../core/types/conversation.ts";
import type { ReplyPart } from "../../../core/types/reply.ts";
import { startFakeQq, type FakeQq } from "../../fakes/qq.ts";
import { deliveryOf, sendCutOffThenAgain, type ResendBy } from "../../support/cut-off-send.ts";
import { silentLogger } from "../../support/recording-logger.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

let fake: FakeQq | undefined;
const stores: Store[] = [];
const started: Adapter[] = [];
afterEach(async () => {
  for (const adapter of started.splice(0)) await adapter.stop();
  await fake?.close();
  fake = undefined;
  for (const store of stores.splice(0)) store.close();
});

const settingsOf = (qq: FakeQq) => ({
  appId: qq.appId,
  appSecret: qq.appSecret,
  connection: "webhook" as const,
  isSandbox: false,
  hasMarkdown: false,
  hasKeyboard: false,
  apiBase: qq.origin,
  tokenUrl: qq.tokenUrl,
});

/** A QQ adapter whose windows and parked replies live in `store` (its state may be swapped, to cut a process off). */
const adapterOn = (qq: FakeQq, store: Store, state = store.adapterState): Promise<Adapter> =>
  createQqAdapter(settingsOf(qq), { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000, state, waitingReplies: store.outbox });

/** The fake QQ, a store, and a C2C message whose reply window is open (as the adapter opens it when the message comes in). */
async function start() {
  fake = await startFakeQq();
  const store = createSqliteStore(":memory:");
  stores.push(store);
  const chatId = `user:${fake.openids.user}`;
  const asked = fake.events.c2c("a question");
  await store.adapterState.set("qq", `window:${chatId}`, { contextToken: asked.d.id, openedAt: Date.now(), sendsUsed: 0 });
  const to: ConversationRef = { platform: "qq", chatId, kind: "direct" };
  return { fake, store, chatId, to, msgId: asked.d.id };
}

const answer: ReplyPart = { type: "markdown", text: "the answer" };
const text = (words: string): ReplyPart => ({ type: "markdown", text: words });

/** The adapter taking messages (into a sink that keeps nothing), as the gateway starts it. */
async function startAdapter(adapter: Adapter): Promise<Adapter> {
  await adapter.start({ receive: async () => ({ isDuplicate: false }) }, new AbortController().signal);
  started.push(adapter);
  return adapter;
}

/**
 * The user writes again: QQ pushes the message to the adapter's webhook, which opens the message's reply window and
 * delivers what waited for it. Resolves once that delivery settled.
 */
async function writeAgain(qq: FakeQq, adapter: Adapter, words: string): Promise<void> {
  const route = adapter.routes![0]!;
  const server = createServer((request, response) => void route.handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const { status } = await qq.deliver(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, qq.events.c2c(words));
    if (status !== 200) throw new Error(`the webhook answered ${status}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await adapter.stop();
  started.splice(started.indexOf(adapter), 1);
}

describe("QQ: a send cut off by a crash and sent again shows once", () => {
  for (const resendBy of ["send", "flush"] as const satisfies readonly ResendBy[]) {
    it(`sends one reply when the part is sent again by the ${resendBy === "send" ? "turn run again" : "outbox flush"}`, async () => {
      const h = await start();
      const { logger, row } = await sendCutOffThenAgain(await adapterOn(h.fake, h.store), "qq:user:x:m1:0", h.to, answer, resendBy);
      expect(logger.find({ level: "warn", message: /cut off/ })).toBeDefined();
      expect(h.fake.textsIn(h.chatId)).toEqual(["the answer"]);
      // The window's count was saved with the step: the part is known as sent and not sent to QQ again.
      expect(h.fake.refused).toEqual([]);
      // QQ's id for the message, as the first send got it.
      expect(row).toMatchObject({ status: "sent", messageId: expect.stringMatching(/^sent-\d+$/) });
    });
  }

  it("sends one reply when the crash came before the reply count was saved: the same msg_seq again, refused by QQ as a repeat", async () => {
    const h = await start();
    const { promise: died, resolve: die } = Promise.withResolvers<void>();
    const dyingState = {
      ...h.store.adapterState,
      set: (namespace: string, key: string, value: unknown) => ((value as { sendsUsed?: number }).sendsUsed ? (die(), new Promise<void>(() => {})) : h.store.adapterState.set(namespace, key, value)),
    };
    void deliveryOf(await adapterOn(h.fake, h.store, dyingState), h.store).send("qq:user:x:m1:0", h.to, answer);
    await died;
    expect(await h.store.outbox.releaseLeases()).toBe(1);

    const processB = deliveryOf(await adapterOn(h.fake, h.store), h.store);
    await processB.send("qq:user:x:m1:0", h.to, answer);
    expect(h.fake.textsIn(h.chatId)).toEqual(["the answer"]);
    // The second send carried the first one's msg_seq, which QQ refused as a repeat: counted as sent, once.
    expect(h.fake.refused.map((record) => [record.code, record.body.msg_id, record.body.msg_seq])).toEqual([[40054005, h.msgId, h.fake.sent[0]!.body.msg_seq]]);
    expect(await h.store.outbox.get("qq:user:x:m1:0")).toMatchObject({ status: "sent" });
  });

  it("sends a file with its caption once: one caption and one file, each with its own msg_seq", async () => {
    const h = await start();
    const path = join(tempDataDir(), "report.pdf");
    await writeFile(path, "%PDF-1.4 not really");
    const file: ReplyPart = { type: "file", media: { platform: "local", id: path, mimeType: "application/pdf", fileName: "report.pdf" }, caption: "The report" };
    await sendCutOffThenAgain(await adapterOn(h.fake, h.store), "qq:user:x:m2:0", h.to, file, "flush");
    expect(h.fake.sent.map((record) => record.body.msg_type)).toEqual([0, 7]);
    expect(h.fake.textsIn(h.chatId)).toEqual(["The report"]);
    const [caption, media] = h.fake.sent.map((record) => record.body.msg_seq);
    expect(caption).not.toBe(media);
    // Both steps are known as sent (each saved with the window's count): neither goes to QQ again.
    expect(h.fake.refused).toEqual([]);
  });

  for (const resendBy of ["send", "flush"] as const satisfies readonly ResendBy[]) {
    it(`sends a message's fifth reply once when the crash came after its reply count was saved (${resendBy === "send" ? "turn run again" : "outbox flush"})`, async () => {
      const h = await start();
      const adapter = await startAdapter(await adapterOn(h.fake, h.store));
      const delivery = deliveryOf(adapter, h.store);
      for (const n of [1, 2, 3, 4]) await delivery.send(`qq:user:x:m4:${n}`, h.to, text(`part ${n}`));
      // The fifth reply goes out and is counted; the process dies before the outbox records it. The message's 5 replies
      // are spent, so the part sent again must not wait for the user's next message and go out a second time then.
      const { row } = await sendCutOffThenAgain(adapter, "qq:user:x:m4:5", h.to, text("part 5"), resendBy);
      expect(row).toMatchObject({ status: "sent" });
      expect(row?.messageId).not.toMatch(/^parked:/);
      await writeAgain(h.fake, adapter, "thanks");
      expect(h.fake.textsIn(h.chatId)).toEqual(["part 1", "part 2", "part 3", "part 4", "part 5"]);
      expect(h.fake.refused).toEqual([]);
    });
  }

  it("delivers a different part sent first after a crash that came before the reply count was saved, and the cut-off part once", async () => {
    const h = await start();
    // Process A: QQ takes the reply, then A dies before it saves the window's count (and before the outbox hears).
    const { promise: died, resolve: die } = Promise.withResolvers<void>();
    const dyingState = {
      ...h.store.adapterState,
      set: (namespace: string, key: string, value: unknown) => ((value as { sendsUsed?: number }).sendsUsed ? (die(), new Promise<void>(() => {})) : h.store.adapterState.set(namespace, key, value)),
    };
    void deliveryOf(await adapterOn(h.fake, h.store, dyingState), h.store).send("qq:user:x:m3:0", h.to, { type: "markdown", text: "part one" });
    await died;
    expect(await h.store.outbox.releaseLeases()).toBe(1);

    // Process B sends another part first, then the one A was sending.
    const processB = deliveryOf(await adapterOn(h.fake, h.store), h.store);
    await processB.send("qq:user:x:m3:1", h.to, { type: "markdown", text: "part two" });
    await processB.send("qq:user:x:m3:0", h.to, { type: "markdown", text: "part one" });
    expect(h.fake.textsIn(h.chatId)).toEqual(["part one", "part two"]);
    expect((await h.store.outbox.get("qq:user:x:m3:1"))?.status).toBe("sent");
  });
});

describe("QQ msg_seq from the outbox key", () => {
  it("is the same for the same key and step, a positive 32-bit integer, and differs per step and per key", () => {
    const key = "qq:user:E4F4AEA33253A2797FB897C50B81D7ED:ROBOT1.0_x!:a12";
    expect(qqMsgSeq(key, 0)).toBe(qqMsgSeq(key, 0));
    const seqs = [qqMsgSeq(key, 0), qqMsgSeq(key, 1), qqMsgSeq(`${key}0`, 0), qqMsgSeq("qq-parked:1", 0), qqMsgSeq("qq-parked:2", 0)];
    for (const seq of seqs) {
      expect(Number.isInteger(seq)).toBe(true);
      expect(seq).toBeGreaterThan(0);
      expect(seq).toBeLessThanOrEqual(2 ** 31 - 1);
    }
    expect(new Set(seqs).size).toBe(seqs.length);
  });
});
