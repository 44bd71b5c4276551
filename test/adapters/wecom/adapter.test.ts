import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWecomAdapter } from "../../../adapters/wecom/index.ts";
import type { Adapter, InboundReceipt } from "../../../core/types/adapter.ts";
import type { ConversationRef } from "../../../core/types/conversation.ts";
import type { InboundMessage } from "../../../core/types/message.ts";
import { startWecomAibotFake, type WecomAibotFake } from "../../fakes/wecom-aibot.ts";
import { silentLogger as silent } from "../../support/recording-logger.ts";

const credentials = { botId: "fake-bot-id", secret: "fake-bot-secret-not-real" };

describe("WeCom adapter against the fake long connection (real SDK)", () => {
  let fake: WecomAibotFake;
  let adapter: Adapter;
  let received: InboundMessage[];
  let controller: AbortController;

  const start = async (maxMediaBytes = 1_000_000) => {
    adapter = createWecomAdapter(
      { botId: credentials.botId, botSecret: credentials.secret, wsUrl: fake.wsUrl },
      { logger: silent, dataDir: tmpdir(), maxMediaBytes },
      { heartbeatIntervalMs: 40, reconnectIntervalMs: 50 },
    );
    await adapter.start({ receive: async (message): Promise<InboundReceipt> => (received.push(message), { isDuplicate: false }) }, controller.signal);
  };

  const dm = (msgid: string, text: string) => ({
    msgid, aibotid: credentials.botId, chattype: "single", from: { userid: "zhangsan" }, msgtype: "text", text: { content: text },
  });
  const answerTo = (message: InboundMessage): ConversationRef => ({
    ...message.conversation, inReplyTo: { messageId: message.id, senderId: message.sender.id, senderName: message.sender.displayName },
  });

  beforeEach(async () => {
    fake = await startWecomAibotFake(credentials);
    received = [];
    controller = new AbortController();
  });
  afterEach(async () => {
    controller.abort();
    await adapter?.stop();
    await fake.close();
  });

  it("logs in with the bot id and secret and answers heartbeats", async () => {
    await start();
    expect(adapter.health()).toEqual({ state: "ready" });
    expect(fake.logins).toEqual([{ botId: credentials.botId, isAccepted: true }]);
    await fake.waitFor(() => fake.frames.filter((frame) => frame.cmd === "ping").length >= 3);
    // Heartbeats were acknowledged: the SDK never declared the connection dead and logged in again.
    expect(fake.logins).toHaveLength(1);
    expect(adapter.health().state).toBe("ready");
  });

  it("reports a takeover by another connection (disconnected_event) as an error, without reconnecting", async () => {
    await start();
    fake.pushEvent({ msgid: "ev-dc", create_time: 1_700_000_000, aibotid: credentials.botId, from: { userid: "system" }, msgtype: "event", event: { eventtype: "disconnected_event" } });
    await fake.waitFor(() => adapter.health().state === "error");
    expect(adapter.health().detail).toMatch(/another connection took over/);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(fake.logins).toHaveLength(1);
  });

  it("streams on the message's req_id: partial send, edits, a final edit with finish", async () => {
    await start();
    const reqId = fake.pushMessage(dm("m-1", "hi"));
    await fake.waitFor(() => received.length === 1);
    const to = answerTo(received[0]!);
    const sent = await adapter.send(to, { type: "markdown", text: "Hel" }, { isPartial: true });
    await adapter.edit!(sent, { type: "markdown", text: "Hello" });
    await adapter.edit!(sent, { type: "markdown", text: "Hello" }, { isFinal: true });
    const streams = fake.streams(reqId);
    expect(streams.map((stream) => [stream.content, stream.finish])).toEqual([["Hel", false], ["Hello", false], ["Hello", true]]);
    expect(new Set(streams.map((stream) => stream.id)).size).toBe(1);
    expect(streams[0]!.id).toBe(sent.messageId);
  });

  it("a whole message answers with one finished stream, the next one is pushed to the chat", async () => {
    await start();
    const reqId = fake.pushMessage(dm("m-2", "/status"));
    await fake.waitFor(() => received.length === 1);
    const to = answerTo(received[0]!);
    await adapter.send(to, { type: "markdown", text: "**Status**: fine" });
    await adapter.send(to, { type: "markdown", text: "second" });
    expect(fake.streams(reqId).map((stream) => [stream.content, stream.finish])).toEqual([["**Status**: fine", true]]);
    expect(fake.pushes()).toEqual([{ chatid: "zhangsan", msgtype: "markdown", markdown: { content: "second" } }]);
  });

  it("without a req_id (after a restart) a streamed answer is held and pushed once final", async () => {
    await start();
    const to: ConversationRef = { platform: "wecom", chatId: "lisi", kind: "direct", inReplyTo: { messageId: "unknown", senderId: "lisi", senderName: "lisi" } };
    const sent = await adapter.send(to, { type: "markdown", text: "par" }, { isPartial: true });
    await adapter.edit!(sent, { type: "markdown", text: "partial answer" });
    expect(fake.pushes()).toEqual([]);
    await adapter.edit!(sent, { type: "markdown", text: "partial answer, done" }, { isFinal: true });
    expect(fake.pushes()).toEqual([{ chatid: "lisi", msgtype: "markdown", markdown: { content: "partial answer, done" } }]);
  });

  it("buttons become a button_interaction template card whose keys are the button ids", async () => {
    await start();
    const to: ConversationRef = { platform: "wecom", chatId: "CHATID", kind: "group" };
    await adapter.send(to, { type: "buttons", text: "Run it?", buttons: [{ id: "approve 3f2a", label: "Approve", style: "primary" }, { id: "deny 3f2a", label: "Deny" }] });
    const [card] = fake.pushes();
    expect(card).toMatchObject({
      chatid: "CHATID",
      msgtype: "template_card",
      template_card: { card_type: "button_interaction", main_title: { title: "Run it?" }, button_list: [{ key: "approve 3f2a", text: "Approve" }, { key: "deny 3f2a", text: "Deny" }] },
    });
  });

  it("fetches and decrypts an image with its message's AES key", async () => {
    await start();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 7)]);
    const hosted = fake.hostMedia(png);
    fake.pushMessage({ msgid: "m-img", aibotid: credentials.botId, chattype: "single", from: { userid: "zhangsan" }, msgtype: "image", image: hosted });
    await fake.waitFor(() => received.length === 1);
    const fetched = await adapter.fetchMedia(received[0]!.attachments[0]!.media);
    expect(Buffer.from(fetched.bytes).equals(png)).toBe(true);
    expect(fetched.mimeType).toBe("image/png");
  });

  it("refuses a file over MEDIA_MAX_BYTES, and voice has nothing to fetch", async () => {
    await start(1000);
    const hosted = fake.hostMedia(Buffer.alloc(5000, 1));
    fake.pushMessage({ msgid: "m-file", aibotid: credentials.botId, chattype: "single", from: { userid: "zhangsan" }, msgtype: "file", file: hosted });
    fake.pushMessage({ msgid: "m-voice", aibotid: credentials.botId, chattype: "single", from: { userid: "zhangsan" }, msgtype: "voice", voice: { content: "你好" } });
    await fake.waitFor(() => received.length === 2);
    await expect(adapter.fetchMedia(received[0]!.attachments[0]!.media)).rejects.toMatchObject({ code: "unsupported", message: /too big/ });
    await expect(adapter.fetchMedia(received[1]!.attachments[0]!.media)).rejects.toMatchObject({ code: "unsupported" });
  });

  it("uploads a file the agent sends and replies with it on the req_id", async () => {
    await start();
    const reqId = fake.pushMessage(dm("m-3", "send me the report"));
    await fake.waitFor(() => received.length === 1);
    const path = join(mkdtempSync(join(tmpdir(), "wecom-")), "report.txt");
    writeFileSync(path, "the report");
    await adapter.send(answerTo(received[0]!), { type: "file", media: { platform: "local", id: path, fileName: "report.txt" } });
    expect(fake.frames.map((frame) => frame.cmd)).toEqual(expect.arrayContaining(["aibot_upload_media_init", "aibot_upload_media_chunk", "aibot_upload_media_finish"]));
    const reply = fake.frames.find((frame) => frame.cmd === "aibot_respond_msg" && frame.headers.req_id === reqId);
    expect(reply?.body).toMatchObject({ msgtype: "file", file: { media_id: expect.stringMatching(/^media_/) } });
  });
});
