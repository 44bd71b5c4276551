import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { afterEach, describe, expect, it } from "vitest";
import type { Env } from "../../core/config.ts";
import { memoryOwner } from "../../core/store/memory-store.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeOpenAI, type ChatRequest, type FakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { conversationOn, telegramChat, webChat } from "../support/conversation.ts";
import { eventually } from "../support/eventually.ts";
import { alice, groupChat, mentionEntities, telegramEnv } from "../support/telegram.ts";
import { openWebChat, ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let model: FakeOpenAI | undefined;
let bot: FakeBotApi | undefined;
afterEach(async () => {
  await gateway?.stop();
  await model?.close();
  await bot?.close();
  gateway = undefined;
  model = undefined;
  bot = undefined;
});

const modelEnv = (fake: FakeOpenAI): Env => ({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test-fake-key-0000", OPENAI_MODEL: "gpt-4o-mini" });

async function start(env: Env = {}, withTelegram = false) {
  model = await startFakeOpenAI();
  if (withTelegram) bot = await startFakeBotApi();
  ({ gateway } = await startTestGateway({ ...modelEnv(model), ...(bot ? telegramEnv(bot) : {}), ...env }));
  return { gateway, model };
}

/** Everything the model was sent in one chat request, as one text. */
const promptOf = (request: ChatRequest) => JSON.stringify(request.body.messages);
/** The memory block at the start of the request's last user message, or "" when there is none. */
function memoryBlockOf(request: ChatRequest): string {
  const last = request.body.messages.at(-1)!;
  const text = String(last.content);
  return text.startsWith("Remembered facts") ? text.slice(0, text.indexOf("\n\n")) : "";
}

const bob = { id: 100000002, is_bot: false, first_name: "Bob", username: "bob" };
let bobMessageId = 5000;
function bobSays(fake: FakeBotApi, text: string, chat: Record<string, unknown> = { id: bob.id, type: "private", first_name: "Bob" }) {
  const entities = text.startsWith("/") ? [{ type: "bot_command", offset: 0, length: text.split(/\s/)[0]!.length }] : mentionEntities(text);
  fake.push({ message: { message_id: ++bobMessageId, from: bob, chat, date: Math.floor(Date.now() / 1000), text, entities } });
}

describe("memory people can see", () => {
  it("remembers, lists, uses, forgets and exports through the web chat", async () => {
    const { gateway, model } = await start();
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/remember I deploy from the release branch");
    await chat.expectAnswer("Remembered: I deploy from the release branch");
    await chat.says("/remember I prefer answers in French");
    await chat.expectAnswer(/^Remembered/);
    await chat.says("/memory");
    await chat.expectAnswer(/1\. I deploy from the release branch\n2\. I prefer answers in French/);

    await chat.says("Which branch do I deploy from?");
    await chat.expectAnswer(/./);
    const block = memoryBlockOf(model.chatRequests().at(-1)!);
    expect(block).toContain("- I deploy from the release branch");
    // The most relevant first: the question is about deploying.
    expect(block.indexOf("release branch")).toBeLessThan(block.indexOf("French"));

    await chat.says("/forget 1");
    await chat.expectAnswer("Forgot: I deploy from the release branch");
    await chat.says("/memory");
    await chat.expectAnswer(/^What I remember:\n1\. I prefer answers in French\n/);
    await chat.says("/forget all");
    await chat.expectAnswer("Forgot 1 memory.");
    await chat.says("/memory");
    await chat.expectAnswer(/I remember nothing here yet/);
  });

  it("sends the person everything stored about them as a file", async () => {
    const { gateway } = await start();
    const page = await openWebChat(gateway);
    await page.say("/remember my locker code is 4711");
    await page.waitFor(() => page.texts().some((text) => text.startsWith("Remembered")));
    await page.say("/memory export");
    await page.waitFor(() => page.botMessages().some((message) => message.part.type === "file"));
    const part = page.botMessages().find((message) => message.part.type === "file")!.part as { type: "file"; media: { url: string; fileName: string }; caption: string };
    expect(part.caption).toContain("1 memory");
    expect(part.media.fileName).toBe("pincer-memories.json");
    const download = await fetch(new URL(part.media.url, gateway.url), { headers: ownerAuth(gateway) });
    const exported = JSON.parse(await download.text());
    expect(exported).toMatchObject({ user: "web:owner", memories: [{ text: "my locker code is 4711", scope: "personal" }] });
    // The console's API shows counts, never the texts.
    const counts = await (await fetch(`${gateway.url}api/admin/memory`, { headers: ownerAuth(gateway) })).text();
    expect(JSON.parse(counts)).toEqual({ memories: { users: 1, chats: 0, memories: 1 }, knowledgeBases: [] });
    expect(counts).not.toContain("4711");
    await page.close();
  });

  it("remembers, lists, forgets and exports through Telegram, and one person's /forget never touches another's memories", async () => {
    const { gateway } = await start({}, true);
    const dm = conversationOn(telegramChat(gateway, bot!));
    await dm.says("/remember I deploy from the release branch");
    await dm.expectAnswer("Remembered: I deploy from the release branch");
    await dm.says("/remember my locker code is 4711");
    await dm.expectAnswer(/^Remembered/);
    await dm.says("/memory");
    await dm.expectAnswer(/1\. I deploy from the release branch\n2\. my locker code is 4711/);

    // Bob's "/forget all" forgets Bob's memories only.
    bobSays(bot!, "/forget all");
    await eventually(() => bot!.textsIn(bob.id).length > 0);
    expect(bot!.textsIn(bob.id).join("\n")).not.toContain("4711");
    expect(await gateway.store.memories.list([memoryOwner.user(`telegram:${alice.id}`)])).toHaveLength(2);

    await dm.says("/forget 1");
    await dm.expectAnswer("Forgot: I deploy from the release branch");
    await dm.says("/forget 7");
    await dm.expectAnswer("Send /forget <1–1> or /forget all (see /memory).");
    await dm.says("/memory");
    await dm.expectAnswer(/^What I remember:\n+1\. my locker code is 4711\n/);

    await dm.says("/memory export");
    await bot!.waitFor((calls) => calls.some((call) => call.apiMethod === "sendDocument"), 10_000);
    const upload = bot!.callsOf("sendDocument")[0]!;
    expect(upload.params.chat_id).toBe(String(alice.id));
    expect(upload.files.document).toMatchObject({ name: "pincer-memories.json" });
    const exported = JSON.parse(new TextDecoder().decode(upload.files.document!.bytes));
    expect(exported).toMatchObject({ user: `telegram:${alice.id}`, memories: [{ text: "my locker code is 4711", scope: "personal" }] });
    expect(JSON.stringify(exported)).not.toContain("release branch");

    await dm.says("/forget all");
    await dm.expectAnswer("Forgot 1 memory.");
    await dm.says("/memory");
    await dm.expectAnswer(/I remember nothing here yet/);
    expect(await gateway.store.memories.list([memoryOwner.user(`telegram:${alice.id}`)])).toEqual([]);
  }, 30_000);

  it("never puts one person's memories in another's prompt (Telegram)", async () => {
    const { gateway, model } = await start({ PINCER_ADMINS: `telegram:${alice.id}` }, true);
    const aliceDm = conversationOn(telegramChat(gateway, bot!));
    await aliceDm.says("/remember my locker code is 4711");
    await aliceDm.expectAnswer(/^Remembered/);
    await aliceDm.says("what is my locker code?");
    await aliceDm.expectAnswer(/./);
    expect(promptOf(model.chatRequests().at(-1)!)).toContain("4711");

    bobSays(bot!, "what is my locker code?");
    await eventually(() => model.chatRequests().length === 2);
    await gateway.pipeline.idle();
    expect(promptOf(model.chatRequests()[1]!)).not.toContain("4711");
    bobSays(bot!, "/memory");
    await eventually(() => bot!.textsIn(bob.id).some((text) => text.includes("I remember nothing here yet")));

    // In a group, Alice's private fact stays out of the prompt; the chat's memory (an admin's) is in it.
    const group = conversationOn(telegramChat(gateway, bot!, groupChat));
    await group.says("/remember --chat the standup is at 9:30");
    await group.expectAnswer("Remembered for this chat: the standup is at 9:30");
    bobSays(bot!, "/remember --chat members cannot do this", groupChat);
    await group.expectAnswer("Only an admin can make me remember something for the whole chat.");
    await group.says(`@${bot!.bot.username} when is the standup and what is my locker code?`);
    await group.expectAnswer(/./);
    const groupPrompt = promptOf(model.chatRequests().at(-1)!);
    expect(groupPrompt).toContain("the standup is at 9:30");
    expect(groupPrompt).not.toContain("4711");
    await group.says("/memory");
    await group.expectAnswer(/^What I remember:\n+1\. \(chat\) the standup is at 9:30\n/);
    await group.says("/memory export");
    await group.expectAnswer(/direct chat/);

    // A member's remember call in a group asks nobody: it only stores a fact for that member, said in that group.
    model.script({ type: "tool-calls", calls: [{ name: "remember", arguments: { fact: "Bob is on call this week" } }] }, { type: "text", text: "Noted, Bob." });
    bobSays(bot!, `@${bot!.bot.username} remember that I am on call this week`, groupChat);
    await group.expectAnswer("Noted, Bob.");
    expect(await gateway.store.memories.list([memoryOwner.user(`telegram:${bob.id}`)])).toEqual([
      expect.objectContaining({ text: "Bob is on call this week", conversationKey: `telegram:${groupChat.id}` }),
    ]);
  }, 40_000);

  it("shows the console counts of memories only, to the owner only, never a memory's text or whose it is", async () => {
    const { gateway } = await startTestGateway();
    const add = (id: string, owner: ReturnType<typeof memoryOwner.user>, text: string) =>
      gateway.store.memories.add({ id, owner, text, authorRef: "telegram:1", conversationKey: "telegram:-500", createdAt: 1_700_000_000_000 });
    await add("a1", memoryOwner.user("telegram:1"), "alice secret: the vault code is 0451");
    await add("a2", memoryOwner.user("telegram:1"), "alice prefers tea");
    await add("b1", memoryOwner.user("slack:U2"), "bob secret: moving to Lisbon");
    await add("c1", memoryOwner.chat("telegram:-500"), "chat secret: launch on Friday");

    expect((await fetch(`${gateway.url}api/admin/memory`)).status).toBe(401);
    expect((await fetch(`${gateway.url}api/admin/memory`, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);

    const response = await fetch(`${gateway.url}api/admin/memory`, { headers: ownerAuth(gateway) });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual({ memories: { users: 2, chats: 1, memories: 4 }, knowledgeBases: [] });
    for (const leak of ["0451", "tea", "Lisbon", "Friday", "secret", "telegram:1", "slack:U2", "telegram:-500"]) expect(body).not.toContain(leak);
  });

  it("keeps the memory share within PINCER_MEMORY_TOKENS with 500 memories stored", async () => {
    const { gateway, model } = await start({ PINCER_CONTEXT_TOKENS: "8000", PINCER_MEMORY_TOKENS: "300" });
    const owner = memoryOwner.user("web:owner");
    for (let index = 0; index < 500; index += 1) {
      await gateway.store.memories.add({
        id: `m${index}`, owner, text: `fact number ${index}: the project codename for team ${index} is falcon-${index * 7}`,
        authorRef: "web:owner", conversationKey: "web:any", createdAt: 1_700_000_000_000 + index,
      });
    }
    await gateway.store.memories.add({
      id: "needle", owner, text: "the database password rotates on Tuesdays", authorRef: "web:owner", conversationKey: "web:any", createdAt: 1_600_000_000_000,
    });
    const chat = conversationOn(await webChat(gateway));
    await chat.says("when does the database password rotate?");
    await chat.expectAnswer(/./);
    const block = memoryBlockOf(model.chatRequests().at(-1)!);
    expect(block).toContain("the database password rotates on Tuesdays");
    expect(block.split("\n").length).toBeGreaterThan(5);
    expect(countTokens(block)).toBeLessThanOrEqual(300);
  });

  it("keeps memories in the prompt after a compaction", async () => {
    const { gateway, model } = await start({ PINCER_CONTEXT_TOKENS: "1500" });
    const chat = conversationOn(await webChat(gateway));
    await chat.says("/remember my favourite colour is teal");
    await chat.expectAnswer(/^Remembered/);
    const filler = "lorem ipsum dolor sit amet ".repeat(40);
    for (let turn = 0; turn < 6; turn += 1) {
      await chat.says(`message ${turn}: ${filler}`);
      await chat.expectAnswer(/./);
    }
    const compactions = model.chatRequests().filter((request) => JSON.stringify(request.body.messages[0]).includes("running summary"));
    expect(compactions.length).toBeGreaterThan(0);
    await chat.says("what is my favourite colour?");
    await chat.expectAnswer(/./);
    expect(memoryBlockOf(model.chatRequests().at(-1)!)).toContain("my favourite colour is teal");
  });

  it("gives the LLM agent remember and recall tools, on the sender's own memories", async () => {
    const { gateway, model } = await start();
    model.script(
      { type: "tool-calls", calls: [{ name: "remember", arguments: { fact: "I deploy from the release branch" } }] },
      { type: "text", text: "Noted." },
      { type: "tool-calls", calls: [{ name: "recall", arguments: { query: "deploy branch" } }] },
      { type: "text", text: "From the release branch." },
    );
    const chat = conversationOn(await webChat(gateway));
    await chat.says("remember that I deploy from the release branch");
    await chat.expectAnswer(/Noted\./);
    expect((await gateway.store.memories.list([memoryOwner.user("web:owner")])).map((record) => record.text)).toEqual(["I deploy from the release branch"]);
    await chat.says("where do I deploy from? check your memory");
    await chat.expectAnswer(/From the release branch\./);
    const toolResults = model.chatRequests().flatMap((request) => request.body.messages.filter((message) => message.role === "tool").map((message) => String(message.content)));
    expect(toolResults.at(-1)).toContain("- I deploy from the release branch");
  });
});
