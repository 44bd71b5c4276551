import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { eventSignature } from "../../adapters/feishu/webhook.ts";
import { botMention, cardActionEvent, encryptBody, fakeEncryptKey, messageEvent, postEvent, signHeaders } from "../fakes/feishu-events.ts";
import { startFakeOpenPlatform, textOf, type FakeOpenPlatform } from "../fakes/feishu-open-platform.ts";
import { eventually } from "../support/eventually.ts";
import { scriptedAgent, webhookEnv } from "../support/feishu.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeOpenPlatform | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

async function start(agentPieces: (text: string) => string[] = (text) => [`echo: ${text}`], delayMs = 0) {
  fake = await startFakeOpenPlatform();
  const scripted = scriptedAgent((input) => agentPieces(input.text), { delayMs });
  let log: { lines: string[] };
  ({ gateway, log } = await startTestGateway(webhookEnv(fake.origin), { agent: scripted.agent }));
  const events = `${gateway.url}webhooks/feishu/events`;
  const cards = `${gateway.url}webhooks/feishu/cards`;
  return { fake, gateway, events, cards, inputs: scripted.inputs, log };
}

describe("Feishu webhook mode, end to end", () => {
  it("is ready once the bot's identity was fetched with a tenant token", async () => {
    const h = await start();
    const ready = await fetch(`${h.gateway.url}readyz`);
    expect(ready.status).toBe(200);
    expect(h.fake.requests.some((request) => request.route === "/open-apis/bot/v3/info" && request.answered?.code === 0)).toBe(true);
  });

  it("answers the URL-verification challenge, plain and encrypted, and refuses a wrong token", async () => {
    const h = await start();
    const challenge = { challenge: "ajls384kdjx98XX", token: "fake-verification-token-0001", type: "url_verification" };
    expect(await postEvent(h.events, challenge)).toEqual({ status: 200, body: { challenge: "ajls384kdjx98XX" } });
    expect(await postEvent(h.events, challenge, { encryptKey: fakeEncryptKey, isUnsigned: true })).toEqual({ status: 200, body: { challenge: "ajls384kdjx98XX" } });
    expect((await postEvent(h.cards, challenge)).status).toBe(200);
    expect((await postEvent(h.events, { ...challenge, token: "wrong" })).status).toBe(401);
  });

  it("answers an encrypted, signed p2p message with a card reply", async () => {
    const h = await start();
    const result = await postEvent(h.events, messageEvent({ text: "hello there" }), { encryptKey: fakeEncryptKey });
    expect(result.status).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.fake.sent).toHaveLength(1);
    expect(h.fake.sent[0]).toMatchObject({ msgType: "interactive", chatId: "oc_fakep2p0001", via: "create" });
    expect(textOf(h.fake.sent[0]!)).toBe("echo: hello there");
  });

  it("rejects a bad signature, an unsigned event and a wrong verification token with 401, and runs nothing", async () => {
    const h = await start();
    expect((await postEvent(h.events, messageEvent({ text: "forged" }), { encryptKey: fakeEncryptKey, tamper: true })).status).toBe(401);
    expect((await postEvent(h.events, messageEvent({ text: "unsigned" }), { encryptKey: fakeEncryptKey, isUnsigned: true })).status).toBe(401);
    expect((await postEvent(h.events, messageEvent({ text: "wrong key" }), { encryptKey: "some-other-key" })).status).toBe(401);
    expect((await postEvent(h.events, messageEvent({ text: "bad token", token: "not-the-token" }), { encryptKey: fakeEncryptKey })).status).toBe(401);
    expect((await postEvent(h.events, messageEvent({ text: "plain" }))).status).toBe(401);
    await h.gateway.pipeline.idle();
    expect(h.inputs).toHaveLength(0);
    expect(h.fake.sent).toHaveLength(0);
  });

  it("refuses a correctly signed event whose timestamp is 6 minutes off, and runs nothing", async () => {
    const h = await start();
    const raw = JSON.stringify(encryptBody(messageEvent({ text: "replayed" }), fakeEncryptKey));
    const timestamp = String(Math.floor(Date.now() / 1000) - 6 * 60);
    const signature = eventSignature(timestamp, "nonce-1", fakeEncryptKey, Buffer.from(raw));
    const headers = { "x-lark-request-timestamp": timestamp, "x-lark-request-nonce": "nonce-1", "x-lark-signature": signature };
    expect((await fetch(h.events, { method: "POST", headers, body: raw })).status).toBe(401);
    await h.gateway.pipeline.idle();
    expect(h.inputs).toHaveLength(0);
  });

  it("refuses a 2 MB body that is unsigned or stale with 401 from its headers, before reading it", async () => {
    const h = await start();
    const large = JSON.stringify({ encrypt: "A".repeat(2_000_000) });
    const stale = { "x-lark-request-timestamp": String(Math.floor(Date.now() / 1000) - 600), "x-lark-request-nonce": "n", "x-lark-signature": "0".repeat(64) };
    expect((await fetch(h.events, { method: "POST", body: large })).status).toBe(401);
    expect((await fetch(h.events, { method: "POST", headers: stale, body: large })).status).toBe(401);
  });

  it("checks the signature of an encrypted body before decrypting it", async () => {
    const h = await start();
    const raw = JSON.stringify({ encrypt: Buffer.alloc(48, 7).toString("base64") });
    const headers = { ...signHeaders(raw, fakeEncryptKey), "x-lark-signature": "0".repeat(64) };
    expect((await fetch(h.events, { method: "POST", headers, body: raw })).status).toBe(401);
    const reasons = h.log.lines.map((line) => JSON.parse(line) as { reason?: string }).flatMap((entry) => (entry.reason ? [entry.reason] : []));
    expect(reasons).toEqual(["bad signature"]);
  });

  it("answers 400 to an authenticated body that is not a message event, 200 to events it does not handle", async () => {
    const h = await start();
    const broken = messageEvent();
    (broken.event as { message?: unknown }).message = { nonsense: true };
    expect((await postEvent(h.events, broken, { encryptKey: fakeEncryptKey })).status).toBe(400);
    const other = { ...messageEvent(), header: { ...messageEvent().header, event_type: "im.chat.member.bot.added_v1" } };
    expect((await postEvent(h.events, other, { encryptKey: fakeEncryptKey })).status).toBe(200);
    const notJson = await fetch(h.events, { method: "POST", body: "{not json" });
    expect(notJson.status).toBe(400);
    await h.gateway.pipeline.idle();
    expect(h.inputs).toHaveLength(0);
  });

  it("answers once when Feishu delivers the same event twice", async () => {
    const h = await start();
    const event = messageEvent({ text: "only once" });
    expect((await postEvent(h.events, event, { encryptKey: fakeEncryptKey })).status).toBe(200);
    expect((await postEvent(h.events, event, { encryptKey: fakeEncryptKey })).status).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.fake.sent).toHaveLength(1);
    expect(h.inputs).toHaveLength(1);
  });

  it("streams a slow answer by patching the card, no more than about once a second", async () => {
    const h = await start(() => ["The answer ", "comes ", "in **pieces**."], 700);
    await postEvent(h.events, messageEvent({ text: "tell me" }), { encryptKey: fakeEncryptKey });
    await eventually(() => h.fake.sent.length > 0 && textOf(h.fake.sent[0]!) === "The answer comes in **pieces**.", 6000);
    await h.gateway.pipeline.idle();
    const card = h.fake.sent[0]!;
    expect(h.fake.sent).toHaveLength(1);
    expect(card.contents.length).toBeGreaterThan(1);
    expect(textOf({ msgType: "interactive", content: card.contents[0]! })).toBe("The answer");
    const patches = h.fake.requests.filter((request) => request.method === "PATCH");
    expect(patches.length).toBe(card.contents.length - 1);
    for (const [index, patch] of patches.entries()) {
      const previous = index === 0 ? h.fake.requests.find((request) => request.route === "/open-apis/im/v1/messages")! : patches[index - 1]!;
      expect(patch.receivedAt - previous.receivedAt).toBeGreaterThanOrEqual(950);
    }
  }, 10_000);

  it("replies in a group only when the bot is mentioned, not for someone else or @all", async () => {
    const h = await start();
    const group = { chatType: "group" as const, chatId: "oc_team" };
    await postEvent(h.events, messageEvent({ ...group, text: "@_user_1 lunch?", mentions: [{ key: "@_user_1", openId: "ou_bob", name: "Bob" }] }), { encryptKey: fakeEncryptKey });
    await postEvent(h.events, messageEvent({ ...group, text: "@_all standup now" }), { encryptKey: fakeEncryptKey });
    await h.gateway.pipeline.idle();
    expect(h.inputs).toHaveLength(0);
    const asked = messageEvent({ ...group, text: "@_user_1 what is up?", mentions: [botMention] });
    await postEvent(h.events, asked, { encryptKey: fakeEncryptKey });
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.inputs.map((input) => input.text)).toEqual(["what is up?"]);
    // Events carry the open_id only: the name comes from the contact API.
    expect(h.inputs[0]!.sender).toMatchObject({ id: "ou_fakealice000000000000000000001", displayName: "Person 0001" });
    expect(h.fake.sent[0]).toMatchObject({ via: "reply", parentId: asked.event.message.message_id, isReplyInThread: false });
  });

  it("answers in the thread, and a reply to the bot's own message addresses it", async () => {
    const h = await start();
    const group = { chatType: "group" as const, chatId: "oc_team" };
    const first = messageEvent({ ...group, text: "@_user_1 start", mentions: [botMention], threadId: "omt_thread1" });
    await postEvent(h.events, first, { encryptKey: fakeEncryptKey });
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.fake.sent[0]).toMatchObject({ via: "reply", isReplyInThread: true });
    expect(h.inputs[0]!.conversation.threadId).toBe("omt_thread1");
    await postEvent(h.events, messageEvent({ ...group, text: "and then?", parentId: h.fake.sent[0]!.messageId }), { encryptKey: fakeEncryptKey });
    await h.fake.waitFor(() => h.fake.sent.length > 1);
    await h.gateway.pipeline.idle();
    expect(h.inputs.map((input) => input.text)).toEqual(["start", "and then?"]);
  });

  it("falls back to plain text when Feishu refuses the card", async () => {
    const h = await start();
    h.fake.failNext({ match: /^POST \/open-apis\/im\/v1\/messages$/, status: 400, code: 230099, msg: "card content invalid" });
    await postEvent(h.events, messageEvent({ text: "hi" }), { encryptKey: fakeEncryptKey });
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.fake.sent[0]).toMatchObject({ msgType: "text" });
    expect(textOf(h.fake.sent[0]!)).toBe("echo: hi");
  });

  it("turns a button click at /webhooks/feishu/cards into the typed command, once", async () => {
    const h = await start();
    const click = cardActionEvent({ messageId: "om_botcard1", chatId: "oc_fakep2p0001", value: { pincer_button: "echo clicked" } });
    const first = await postEvent(h.cards, click, { encryptKey: fakeEncryptKey });
    expect(first).toMatchObject({ status: 200, body: { toast: { type: "info" } } });
    expect((await postEvent(h.cards, click, { encryptKey: fakeEncryptKey })).status).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.inputs.map((input) => input.text)).toEqual(["/echo clicked"]);
    expect((await postEvent(h.cards, { ...click, header: { ...click.header, token: "wrong" } }, { encryptKey: fakeEncryptKey })).status).toBe(401);
  });
});
