import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { conversationOn, telegramChat, telegramEntities } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { ask, fakeAgent, say } from "../support/fake-agent.ts";
import { alice, groupChat, recordingAgent, startTelegramGateway } from "../support/telegram.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const bob = { id: 100000002, is_bot: false, first_name: "Bob", username: "bob" };
let bobMessageId = 5000;

/** Bob (an admin) says `text` in the group. */
function bobSays(text: string) {
  const entities = telegramEntities(text);
  fake!.push({ message: { message_id: ++bobMessageId, from: bob, chat: groupChat, date: Math.floor(Date.now() / 1000), text, ...(entities.length ? { entities } : {}) } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("jobs on Telegram", () => {
  it("/in 2s answers once, about 2 s later, in the same DM; /jobs shows it delivered", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, {}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(telegramChat(gateway, fake));
    const askedAt = Date.now();
    await chat.says("/in 2s /echo later");
    await chat.expectAnswer(/^Scheduled job [a-z0-9]{5}: once at/);
    await chat.expectAnswer("later", 6000);
    expect(Date.now() - askedAt).toBeGreaterThanOrEqual(1900);
    await sleep(1000);
    expect(fake.textsIn(alice.id).filter((text) => text === "later")).toHaveLength(1);
    await chat.says("/jobs");
    await chat.expectAnswer(/finished · last .*: delivered/);
  }, 15_000);

  it("/every 1s in a group fires at least 3 times in 4 s and stops after /cancel", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, { PINCER_MIN_INTERVAL_SEC: "1" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = conversationOn(telegramChat(gateway, fake, groupChat));
    await chat.says("/every 1s /echo tick");
    const created = await chat.expectAnswer(/^Scheduled job/);
    const id = /job ([a-z0-9]{5})/.exec(created)![1]!;
    await sleep(4000);
    expect(fake.textsIn(groupChat.id).filter((text) => text === "tick").length).toBeGreaterThanOrEqual(3);
    await chat.says(`/cancel ${id}`);
    await eventually(() => fake!.textsIn(groupChat.id).includes(`Cancelled job ${id}.`));
    await sleep(300);
    const ticks = fake.textsIn(groupChat.id).filter((text) => text === "tick").length;
    await sleep(2500);
    expect(fake.textsIn(groupChat.id).filter((text) => text === "tick").length).toBe(ticks);
  }, 15_000);

  it("/bg in a group keeps the chat free and answers once, replying to the asker's message", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, {}, { agent: createBuiltinAgent({ deltaDelayMs: 30, wordsPerDelta: 1 }) }));
    const chat = conversationOn(telegramChat(gateway, fake, groupChat));
    const words = Array.from({ length: 40 }, (_, index) => `w${index}`).join(" ");
    const asked = await chat.says(`/bg /echo ${words}`);
    await chat.expectAnswer(/^Working on it in the background/);
    await chat.says("/echo meanwhile");
    await eventually(() => fake!.textsIn(groupChat.id).includes("meanwhile"), 4000);
    expect(fake.textsIn(groupChat.id).includes(words)).toBe(false);
    await eventually(() => fake!.textsIn(groupChat.id).includes(words), 8000);
    await sleep(300);
    expect(fake.textsIn(groupChat.id).filter((text) => text === words)).toHaveLength(1);
    const answer = fake.callsOf("sendMessage").find((call) => String(call.params.text).startsWith("w0"))!;
    expect(JSON.stringify(answer.params)).toContain(asked.id);
  }, 15_000);

  it("a member's job that wants shell asks the admins in the chat; a denial reaches the chat", async () => {
    fake = await startFakeBotApi();
    const { agent, decisions } = fakeAgent(() => [ask({ toolName: "shell", summary: "ls", risk: "exec" }, (decision) => [say(decision.isApproved ? "ran" : `refused: ${decision.decidedBy}`)])]);
    ({ gateway } = await startTelegramGateway(fake, { PINCER_ADMINS: `telegram:${bob.id}` }, { agent }));
    const chat = conversationOn(telegramChat(gateway, fake, groupChat));
    await chat.says("/in 1s list the files");
    await chat.expectAnswer(/^Scheduled job/);
    const request = await chat.expectAnswer(/shell[\s\S]*An admin must approve this/, 5000);
    bobSays(`/deny ${/\/deny ([a-z0-9]{4,6})/.exec(request)![1]}`);
    await chat.expectAnswer(/^Denied/);
    await chat.expectAnswer(/^refused/);
    expect(decisions.map((decision) => decision.isApproved)).toEqual([false]);
  }, 15_000);

  it("a member's job whose approval expires reports the denial in the chat", async () => {
    fake = await startFakeBotApi();
    const { agent, decisions } = fakeAgent(() => [ask({ toolName: "shell", summary: "ls", risk: "exec" }, (decision) => [say(decision.isApproved ? "ran" : `refused: ${decision.decidedBy}`)])]);
    ({ gateway } = await startTelegramGateway(fake, { PINCER_ADMINS: `telegram:${bob.id}` }, { agent, approvalTtlMs: 800 }));
    const chat = conversationOn(telegramChat(gateway, fake, groupChat));
    await chat.says("/in 1s list the files");
    await chat.expectAnswer(/^Scheduled job/);
    await chat.expectAnswer(/shell/, 5000);
    await eventually(() => fake!.textsIn(groupChat.id).some((text) => text.startsWith("refused")), 6000);
    expect(decisions.map((decision) => decision.isApproved)).toEqual([false]);
  }, 15_000);

  it("a capped user's job is skipped with a message, and no model call is made", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent(() => [{ type: "text-delta", text: "should not run" }]);
    ({ gateway } = await startTelegramGateway(fake, { PINCER_DAILY_TOKENS_PER_USER: "100" }, { agent }));
    await gateway.store.usage.record({
      at: Date.now(), userRef: `telegram:${alice.id}`, conversationKey: `telegram:${alice.id}`, model: "m", inputTokens: 90, outputTokens: 20, cachedTokens: 0, costUsd: 0,
    });
    const chat = conversationOn(telegramChat(gateway, fake));
    await chat.says("/in 1s summarise the log");
    await chat.expectAnswer(/^Scheduled job/);
    await chat.expectAnswer(/^Job [a-z0-9]{5} was skipped: Daily budget reached/, 5000);
    expect(inputs).toHaveLength(0);
    await chat.says("/jobs");
    await chat.expectAnswer(/skipped: daily cap reached/);
  }, 15_000);

  it("stops the jobs of a user removed from the allowlist: the run is skipped, nothing is sent, the job ends", async () => {
    fake = await startFakeBotApi();
    const dataDir = tempDataDir();
    const allowed = { DATA_DIR: dataDir, PINCER_DM_POLICY: "allowlist", PINCER_ALLOW_FROM: `telegram:${alice.id}`, PINCER_MIN_INTERVAL_SEC: "1" };
    const { agent, inputs } = recordingAgent(() => [{ type: "text-delta", text: "tick" }]);
    ({ gateway } = await startTelegramGateway(fake, allowed, { agent }));
    const chat = conversationOn(telegramChat(gateway, fake));
    await chat.says("/every 2s report");
    const id = /job ([a-z0-9]{5})/.exec(await chat.expectAnswer(/^Scheduled job/))![1]!;
    await gateway.stop();
    gateway = undefined;
    ({ gateway } = await startTelegramGateway(fake, { ...allowed, PINCER_ALLOW_FROM: "" }, { agent }));
    await eventually(() => inputs.length > 0 || fake!.textsIn(alice.id).length > 1, 4000).catch(() => undefined);
    let job = await gateway.store.jobs.get(id);
    for (let tries = 0; !job?.lastRun && tries < 100; tries += 1) {
      await sleep(50);
      job = await gateway.store.jobs.get(id);
    }
    expect(job).toMatchObject({ state: "finished", lastRun: { outcome: "skipped", detail: "Alice may no longer talk to the bot here" } });
    expect(inputs).toHaveLength(0);
    expect(fake.textsIn(alice.id)).toHaveLength(1);
  }, 20_000);
});
