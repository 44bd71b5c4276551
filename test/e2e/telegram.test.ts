import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { conversationOn, telegramChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { ownerAuth } from "../support/web-chat-client.ts";
import { alice, groupChat, mentionEntities, recordingAgent, startTelegramGateway, textUpdate } from "../support/telegram.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const builtin = () => createBuiltinAgent({ deltaDelayMs: 0 });

describe("Telegram by long polling, through telegraf and the real gateway", () => {
  it("streams a DM answer: one sendMessage, then edits, ending with the agent's exact text", async () => {
    fake = await startFakeBotApi();
    const pieces = ["Hello ", "from **the** agent, ", "in three pieces."];
    const { agent } = recordingAgent(() => pieces.map((text) => ({ type: "text-delta" as const, text })), { delayMs: 700 });
    ({ gateway } = await startTelegramGateway(fake, {}, { agent }));
    await fake.waitFor(() => fake!.callsOf("getUpdates").length > 0);
    expect(fake.calls.slice(0, 2).map((call) => call.apiMethod)).toEqual(["getMe", "deleteWebhook"]);
    await eventually(() => fake!.callsOf("getUpdates").length >= 2);
    expect((await fetch(`${gateway.url}readyz`)).status).toBe(200);
    fake.push(textUpdate("hi bot"));
    await eventually(() => fake!.textsIn(alice.id)[0] === "Hello from the agent, in three pieces.", 8000);
    await gateway.pipeline.idle();
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
    const edits = fake.callsOf("editMessageText");
    expect(edits.length).toBeGreaterThanOrEqual(1);
    expect(edits.at(-1)!.params).toMatchObject({ text: "Hello from <b>the</b> agent, in three pieces.", parse_mode: "HTML" });
    const times = [fake.callsOf("sendMessage")[0]!, ...edits].map((call) => call.receivedAt);
    for (let index = 1; index < times.length; index++) expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(900);
    expect(fake.callsOf("sendChatAction")[0]?.params).toMatchObject({ chat_id: String(alice.id), action: "typing" });
  }, 15_000);

  it("answers in a group only when addressed: @mention and reply-to-bot yes, plain chat and /help@OtherBot no", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(fake, {}, { agent }));
    const bot = `@${fake.bot.username}`;

    const chat = conversationOn(telegramChat(gateway, fake, groupChat));

    await chat.says("lunch anyone?");
    await chat.says("/help@OtherBot");
    await chat.says("still lunch?");
    // All were stored once the poller confirmed them by asking for what comes after.
    await chat.expectNoAnswer();
    expect(fake.callsOf("sendMessage")).toHaveLength(0);
    expect(inputs).toHaveLength(0);

    const asked = await chat.says(`${bot} what is 2+2?`);
    await chat.expectAnswer("got: what is 2+2?");
    expect(fake.callsOf("sendMessage")[0]!.params.reply_parameters).toEqual({ message_id: Number(asked.id), allow_sending_without_reply: true });

    const botMessageId = fake.sent[0]!.messageId;
    fake.push(textUpdate("and 3+3?", groupChat, { reply_to_message: { message_id: botMessageId, from: { id: fake.bot.id, is_bot: true, first_name: fake.bot.first_name, username: fake.bot.username }, chat: groupChat, date: 1, text: "got: what is 2+2?" } }));
    await chat.expectAnswer("got: and 3+3?");

    await chat.says(`/status@${fake.bot.username}`);
    await chat.expectAnswer(/Agent/, 5000);
    await gateway.pipeline.idle();
    expect(inputs.map((input) => input.text)).toEqual(["what is 2+2?", "and 3+3?"]);
  }, 15_000);

  it("gives a stranger's group a pairing code and runs nothing until the owner approves the group", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `got: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(fake, { PINCER_GROUP_POLICY: "pairing" }, { agent }));
    const bot = `@${fake.bot.username}`;
    const ask = (text: string) => textUpdate(`${bot} ${text}`, groupChat, { entities: mentionEntities(`${bot} ${text}`) });
    fake.push(ask("list the workspace"));
    await eventually(() => fake!.textsIn(groupChat.id).length === 1);
    await gateway.pipeline.idle();
    const [pairing] = fake.textsIn(groupChat.id);
    expect(pairing).toContain("I don't know this group yet");
    expect(inputs).toHaveLength(0);
    const [request] = await gateway.store.pairing.listPending(Date.now());
    expect(request).toMatchObject({ platform: "telegram", chatId: String(groupChat.id) });

    await gateway.store.pairing.approve("telegram", request!.code, Date.now());
    fake.push(ask("now?"));
    await eventually(() => fake!.textsIn(groupChat.id).includes("got: now?"));
    expect(inputs.map((input) => input.text)).toEqual(["now?"]);
  }, 15_000);

  it("splits a 10,000-character answer into three messages without splitting its code block", async () => {
    fake = await startFakeBotApi();
    const prose = (count: number) => Array.from({ length: count }, (_, index) => `Sentence ${index} says something & more.`).join(" ");
    const code = ["```python", ...Array.from({ length: 140 }, (_, index) => `print("line ${index} <ok>")`), "```"].join("\n");
    const head = `${prose(100)}\n\n${code}\n\n`;
    const answer = `${head}${prose(85)}`.padEnd(10_000, ".");
    expect(answer.length).toBe(10_000);
    const { agent } = recordingAgent(() => [{ type: "text-delta", text: answer }]);
    ({ gateway } = await startTelegramGateway(fake, {}, { agent }));
    fake.push(textUpdate("write a lot"));
    await eventually(() => fake!.sent.length >= 3, 8000);
    await gateway.pipeline.idle();
    const texts = fake.textsIn(alice.id);
    expect(texts).toHaveLength(3);
    const withCode = fake.sent.filter((message) => message.text!.includes("<pre>"));
    expect(withCode).toHaveLength(1);
    expect(withCode[0]!.text).toContain('print("line 0 &lt;ok&gt;")');
    expect(withCode[0]!.text).toContain('print("line 139 &lt;ok&gt;")');
    expect(texts.join("").replace(/\s+/g, "")).toBe(answer.replace("```python", "").replace("```", "").replace(/\s+/g, ""));
  }, 15_000);

  it("honours a 429 retry_after: the message is delivered once, after the wait", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, {}, { agent: builtin() }));
    fake.failNext("sendMessage", { error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } });
    const chat = conversationOn(telegramChat(gateway, fake));
    await chat.says("/echo patience");
    await chat.expectAnswer("patience", 8000);
    await gateway.pipeline.idle();
    const attempts = fake.callsOf("sendMessage");
    expect(attempts).toHaveLength(2);
    expect(attempts[1]!.receivedAt - attempts[0]!.receivedAt).toBeGreaterThanOrEqual(1000);
    expect(fake.sent).toHaveLength(1);
  }, 15_000);

  it("sends plain text when Telegram cannot parse the formatting", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, {}, { agent: builtin() }));
    fake.failNext("sendMessage", { error_code: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"b\" at byte offset 0" });
    fake.push(textUpdate("/echo **loud** & <clear>"));
    await eventually(() => fake!.sent.length === 1);
    expect(fake.sent[0]!.parseMode).toBeUndefined();
    expect(fake.sent[0]!.text).toBe("loud & <clear>");
  }, 10_000);

  it("logs a chat that blocked the bot once and does not retry it", async () => {
    fake = await startFakeBotApi();
    let log: { lines: string[] };
    ({ gateway, log } = await startTelegramGateway(fake, {}, { agent: builtin() }));
    fake.failNext("sendMessage", { error_code: 403, description: "Forbidden: bot was blocked by the user" }, 5);
    fake.push(textUpdate("/echo anyone there"));
    await eventually(() => fake!.callsOf("sendMessage").length >= 1);
    await gateway.pipeline.idle();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
    expect(log.lines.filter((line) => line.includes("bot was blocked or removed"))).toHaveLength(1);
  }, 10_000);

  it("reports a 409 Conflict on /readyz and in the log, then keeps polling", async () => {
    fake = await startFakeBotApi();
    fake.failNext("getUpdates", { error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" }, 2);
    let log: { lines: string[] };
    ({ gateway, log } = await startTelegramGateway(fake, {}, { agent: builtin() }));
    await fake.waitFor(() => fake!.callsOf("getUpdates").length >= 1);
    await eventually(() => log.lines.some((line) => line.includes("409 Conflict")));
    const notReady = await fetch(`${gateway.url}readyz`, { headers: ownerAuth(gateway) });
    expect(notReady.status).toBe(503);
    expect(JSON.stringify(await notReady.json())).toContain("409 Conflict");
    await eventually(() => fake!.callsOf("getUpdates").length >= 3, 6000);
    const chat = conversationOn(telegramChat(gateway, fake));
    await chat.says("/echo back");
    await chat.expectAnswer("back", 5000);
    expect((await fetch(`${gateway.url}readyz`)).status).toBe(200);
    expect(log.lines.filter((line) => line.includes("409 Conflict"))).toHaveLength(1);
  }, 15_000);
});
