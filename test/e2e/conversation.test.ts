import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { conversationOn, telegramChat, telegramEntities, webChat } from "../support/conversation.ts";
import { ask, fakeAgent, say } from "../support/fake-agent.ts";
import { groupChat, startTelegramGateway } from "../support/telegram.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

describe("the conversational test client", () => {
  it("reads the web chat's answers in order, and fails on an answer that was not expected", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/echo hi");
    await chat.expectAnswer("hi");
    await chat.expectNoAnswer();
    await chat.says("/echo again");
    await expect(chat.expectNoAnswer()).rejects.toThrow(/expected no answer; the bot said \["again"\]/);
    await expect(chat.expectAnswer("something else", 300)).rejects.toThrow(/said \["again"\]/);
    await chat.expectAnswer("again");
    expect(chat.answers()).toEqual(["hi", "again"]);
    await chat.close();
  });

  it("in a Telegram group, hears only what is addressed to the bot", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, {}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(telegramChat(gateway, fake, groupChat));
    await chat.says("lunch anyone?");
    await chat.says("/echo@OtherBot not for this bot");
    await chat.expectNoAnswer();
    await chat.says(`/echo@${fake.bot.username} for the bot`);
    await chat.expectAnswer("for the bot");
    await chat.says(`@${fake.bot.username} /echo by mention`);
    await chat.expectAnswer("by mention");
    await chat.says("/echo@OtherBot not either");
    await expect(chat.expectAnswer("not either", 500)).rejects.toThrow(/expected the bot to answer/);
  });

  it("carries a denied approval through a fake agent that asks before its tool", async () => {
    const { agent, decisions } = fakeAgent(() => [ask({ toolName: "shell", summary: "ls", risk: "exec" }, (decision) => [say(decision.isApproved ? "ran" : "refused")])]);
    ({ gateway } = await startTestGateway({}, { agent }));
    const chat = conversationOn(await webChat(gateway));
    await chat.says("list the files");
    const prompt = await chat.expectAnswer(/shell/);
    await chat.says(`/deny ${/`\/deny (\S+)`/.exec(prompt)![1]}`);
    await chat.expectAnswer("Denied: shell will not run.");
    await chat.expectAnswer("refused");
    expect(decisions.map((decision) => decision.isApproved)).toEqual([false]);
  });
});

describe("Telegram's entities, as the client adds them", () => {
  it("marks a leading command with its bot, then the other mentions", () => {
    expect(telegramEntities("/help@OtherBot")).toEqual([{ type: "bot_command", offset: 0, length: 14 }]);
    expect(telegramEntities("@pincer_bot hi @alice")).toEqual([
      { type: "mention", offset: 0, length: 11 },
      { type: "mention", offset: 15, length: 6 },
    ]);
    expect(telegramEntities("lunch?")).toEqual([]);
  });
});
