import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../support/eventually.ts";
import { alice, recordingAgent, startTelegramGateway, telegramEnv, textUpdate } from "../support/telegram.ts";
import { startPincerProcess } from "../support/pincer-process.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
let openai: FakeOpenAI | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await gateway?.stop();
  await fake?.close();
  await openai?.close();
  gateway = undefined;
  fake = undefined;
  openai = undefined;
});

const secret = "test-webhook-secret_0123456789abcdef";
const publicUrl = "https://bot.example.test/webhooks/telegram";

async function post(gateway: Gateway, body: unknown, secretToken?: string) {
  const response = await fetch(`${gateway.url}webhooks/telegram`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secretToken ? { "x-telegram-bot-api-secret-token": secretToken } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return response.status;
}

describe("Telegram by webhook", () => {
  it("registers the webhook, answers an update with the right secret, rejects a wrong one and answers a redelivery once", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `re: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(fake, { TELEGRAM_WEBHOOK_SECRET: secret, TELEGRAM_WEBHOOK_URL: publicUrl }, { agent }));
    expect(fake.webhook()).toEqual({ url: publicUrl, secretToken: secret });
    expect((await fetch(`${gateway.url}readyz`)).status).toBe(200);

    expect(await post(gateway, { update_id: 1, ...textUpdate("intruder") }, "wrong-secret")).toBe(401);
    expect(await post(gateway, { update_id: 2, ...textUpdate("no secret") })).toBe(401);
    expect(await post(gateway, "{not json", secret)).toBe(400);
    expect(await post(gateway, { update_id: "x" }, secret)).toBe(400);

    const update = { update_id: 3, ...textUpdate("hello by webhook") };
    expect(await post(gateway, update, secret)).toBe(200);
    expect(await post(gateway, update, secret)).toBe(200);
    expect(await post(gateway, { update_id: 4, edited_message: update.message }, secret)).toBe(200);
    await eventually(() => fake!.textsIn(alice.id).includes("re: hello by webhook"));
    await gateway.pipeline.idle();
    expect(inputs.map((input) => input.text)).toEqual(["hello by webhook"]);
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
    expect(fake.callsOf("getUpdates")).toHaveLength(0);
  }, 15_000);

  it("generates a strong secret when only the URL is set, keeps it in DATA_DIR (mode 600) and registers it", async () => {
    fake = await startFakeBotApi();
    const dataDir = tempDataDir();
    ({ gateway } = await startTelegramGateway(fake, { DATA_DIR: dataDir, TELEGRAM_WEBHOOK_URL: publicUrl }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const registered = fake.webhook()?.secretToken ?? "";
    expect(registered).toMatch(/^[0-9a-f]{64}$/);
    const file = join(dataDir, "telegram-webhook-secret");
    expect((await readFile(file, "utf8")).trim()).toBe(registered);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await post(gateway, { update_id: 11, ...textUpdate("/echo generated") }, "wrong-secret")).toBe(401);
    expect(await post(gateway, { update_id: 12, ...textUpdate("/echo generated") }, registered)).toBe(200);
    await eventually(() => fake!.textsIn(alice.id).includes("generated"));

    await gateway.stop();
    ({ gateway } = await startTelegramGateway(fake, { DATA_DIR: dataDir, TELEGRAM_WEBHOOK_URL: publicUrl }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    expect(fake.webhook()?.secretToken).toBe(registered);
  }, 15_000);

  it("answers 429 to a peer that guessed the secret wrong 10 times within a minute, even once it has the right one", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `re: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(fake, { TELEGRAM_WEBHOOK_SECRET: secret }, { agent }));
    for (let guess = 0; guess < 10; guess += 1) expect(await post(gateway, { update_id: 20 + guess, ...textUpdate("guess") }, `guess-${guess}`)).toBe(401);
    const blocked = await fetch(`${gateway.url}webhooks/telegram`, { method: "POST", headers: { "x-telegram-bot-api-secret-token": `guess-10` }, body: "{}" });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(await post(gateway, { update_id: 40, ...textUpdate("right secret, too late") }, secret)).toBe(429);
    await gateway.pipeline.idle();
    expect(inputs).toHaveLength(0);
  }, 15_000);

  it("acknowledges updates only after they are stored, and the builtin agent answers", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, { TELEGRAM_WEBHOOK_SECRET: secret }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    expect(fake.callsOf("setWebhook")).toHaveLength(0);
    const update = { update_id: 7, ...textUpdate("/echo stored first") };
    expect(await post(gateway, update, secret)).toBe(200);
    expect(await gateway.store.inbox.insert({ id: `${alice.id}:${update.message.message_id}`, conversation: { platform: "telegram", chatId: String(alice.id), kind: "direct" }, sender: { id: "1", displayName: "x", isBot: false }, sentAt: 0, segments: [], attachments: [] }, Date.now())).toBe(false);
    await eventually(() => fake!.textsIn(alice.id).includes("stored first"));
  }, 15_000);
});


describe("Telegram polling across a crash", () => {
  it("answers the update that was in flight exactly once after a restart", async () => {
    fake = await startFakeBotApi();
    openai = await startFakeOpenAI();
    openai.script({ type: "text", text: "never delivered", responseDelayMs: 60_000 }, { type: "text", text: "Answered after the restart." });
    const dataDir = tempDataDir();
    const env = {
      ...telegramEnv(fake),
      DATA_DIR: dataDir,
      OPENAI_BASE_URL: openai.url,
      OPENAI_API_KEY: "sk-test-fake",
      OPENAI_MODEL: "gpt-4o-mini",
    } as Record<string, string>;

    // The first process stores the update and starts the run, then dies before its next getUpdates confirms it.
    fake.freezeAfterNextDelivery();
    const update = fake.push(textUpdate("are you there?"));
    const first = (await startPincerProcess(env, children)).child;
    await openai.waitFor((requests) => requests.some((request) => request.endpoint === "chat-completions"), 10_000);
    first.kill("SIGKILL");
    await once(first, "exit");
    fake.unfreeze();
    expect(fake.sent).toHaveLength(0);

    const pollsBefore = fake.callsOf("getUpdates").length;
    ({ gateway } = await startTelegramGateway(fake, env));
    await eventually(() => fake!.textsIn(alice.id).includes("Answered after the restart."), 10_000);
    // Telegram delivered the unconfirmed update again; the inbox knew it.
    await fake.waitFor((calls) => calls.slice(pollsBefore).some((call) => call.apiMethod === "getUpdates" && call.params.offset === (update.update_id as number) + 1));
    await gateway.pipeline.idle();
    expect(fake.callsOf("sendMessage")).toHaveLength(1);
    expect(openai.chatRequests()).toHaveLength(2);
  }, 30_000);
});
