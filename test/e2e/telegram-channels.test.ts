import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { eventually } from "../support/eventually.ts";
import { alice, recordingAgent, startTelegramGateway, textUpdate } from "../support/telegram.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: (FakeBotApi & { addBot(options: { token: string; bot: FakeBotApi["bot"] }): FakeBotApi }) | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

const supportBot = { token: "654321:TEST-support-fake-token", bot: { id: 8000000002, username: "pincer_support_bot", first_name: "Support" } };
const supportSecret = "support-webhook-secret_0123456789abcdef";

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "pincer-channels-")), "pincer.yaml");
  writeFileSync(path, yaml);
  return path;
}

/** A second Telegram channel, `support`, on the same fake server, answered by the builtin agent. */
function supportChannel(apiRoot: string, extra = ""): string {
  return configFile(`
channels:
  - id: support
    platform: telegram
    TELEGRAM_BOT_TOKEN: \${SUPPORT_BOT_TOKEN}
    TELEGRAM_API_ROOT: ${apiRoot}
    agent: builtin
${extra}`);
}

const codeIn = (texts: readonly string[]) => /pairing code is ([A-Z2-9]{8})/.exec(texts.join("\n"))?.[1];

describe("two Telegram channels in one gateway", () => {
  it("polls both bots; each answers only its own chats, with its own agent and its own session", async () => {
    fake = await startFakeBotApi();
    const support = fake.addBot(supportBot);
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `recorder: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(fake, { PINCER_CONFIG: supportChannel(fake.url), SUPPORT_BOT_TOKEN: support.token }, { agent }));
    await eventually(() => fake!.callsOf("getUpdates").length > 0 && support.callsOf("getUpdates").length > 0);
    const ready = (await (await fetch(`${gateway.url}readyz`)).json()) as { channels: Record<string, unknown> };
    expect(ready.channels).toEqual({ web: { state: "ready" }, telegram: { state: "ready" }, support: { state: "ready", platform: "telegram" } });

    fake.push(textUpdate("hello main bot"));
    support.push(textUpdate("/echo hello support bot"));
    await eventually(() => fake!.textsIn(alice.id).length > 0 && support.textsIn(alice.id).length > 0, 8000);
    await gateway.pipeline.idle();

    expect(fake.textsIn(alice.id)).toEqual(["recorder: hello main bot"]);
    expect(support.textsIn(alice.id)).toEqual(["hello support bot"]);
    expect(inputs.map((input) => input.text)).toEqual(["hello main bot"]);
    // One chat id, two bots: two conversations, the default one under today's key.
    expect((await gateway.store.sessions.history(`telegram:${alice.id}`, 10)).map((message) => message.text)).toEqual(["hello main bot", "recorder: hello main bot"]);
    expect((await gateway.store.sessions.history(`support:${alice.id}`, 10)).map((message) => message.text)).toEqual(["/echo hello support bot", "hello support bot"]);
    const metrics = await (await fetch(`${gateway.url}metrics`)).text();
    expect(metrics).toContain('pincer_messages_in_total{channel="support",platform="telegram",outcome="accepted"} 1');
  }, 20_000);

  it("serves a second channel's webhook at /webhooks/telegram/<id> with its own secret", async () => {
    fake = await startFakeBotApi();
    const support = fake.addBot(supportBot);
    const publicUrl = "https://bot.example.test/webhooks/telegram/support";
    const extra = `    TELEGRAM_WEBHOOK_SECRET: \${SUPPORT_SECRET}\n    TELEGRAM_WEBHOOK_URL: ${publicUrl}\n`;
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `recorder: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(
      fake,
      { PINCER_CONFIG: supportChannel(fake.url, extra), SUPPORT_BOT_TOKEN: support.token, SUPPORT_SECRET: supportSecret },
      { agent },
    ));
    expect(support.webhook()).toEqual({ url: publicUrl, secretToken: supportSecret });
    expect(fake.webhook()).toBeUndefined();
    const post = async (path: string, body: unknown, secretToken: string) =>
      (
        await fetch(`${gateway!.url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secretToken },
          body: JSON.stringify(body),
        })
      ).status;

    expect(await post("webhooks/telegram/support", { update_id: 1, ...textUpdate("/echo wrong") }, "wrong-secret-0123456789abcdefghij")).toBe(401);
    // The default channel polls: it has no webhook route, under either path.
    expect(await post("webhooks/telegram", { update_id: 2, ...textUpdate("/echo default") }, supportSecret)).toBe(404);
    expect(await post("webhooks/telegram/telegram", { update_id: 3, ...textUpdate("/echo default") }, supportSecret)).toBe(404);
    expect(await post("webhooks/telegram/support", { update_id: 4, ...textUpdate("/echo by webhook") }, supportSecret)).toBe(200);
    await eventually(() => support.textsIn(alice.id).includes("by webhook"), 8000);
    await gateway.pipeline.idle();
    expect(fake.textsIn(alice.id)).toEqual([]);
    expect(support.callsOf("getUpdates")).toHaveLength(0);
  }, 20_000);

  it("a pairing approved on one channel does not admit the same user id on the other", async () => {
    fake = await startFakeBotApi();
    const support = fake.addBot(supportBot);
    const { agent } = recordingAgent((input) => [{ type: "text-delta", text: `recorder: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(
      fake,
      { PINCER_DM_POLICY: "pairing", PINCER_CONFIG: supportChannel(fake.url), SUPPORT_BOT_TOKEN: support.token },
      { agent },
    ));
    fake.push(textUpdate("let me in"));
    await eventually(() => codeIn(fake!.textsIn(alice.id)) !== undefined, 8000);
    const code = codeIn(fake.textsIn(alice.id))!;
    expect(fake.textsIn(alice.id).join("\n")).toContain(`pairing approve telegram ${code}`);
    // The code is the default channel's: approving it under the other channel's id finds nothing.
    expect(await gateway.store.pairing.approve("support", code, Date.now())).toBeUndefined();
    expect(await gateway.store.pairing.approve("telegram", code, Date.now())).toBeDefined();

    fake.push(textUpdate("/echo paired on main"));
    support.push(textUpdate("/echo sneaking into support"));
    await eventually(() => fake!.textsIn(alice.id).includes("recorder: /echo paired on main") && codeIn(support.textsIn(alice.id)) !== undefined, 8000);
    await gateway.pipeline.idle();
    const supportTexts = support.textsIn(alice.id);
    expect(supportTexts).toHaveLength(1);
    expect(supportTexts[0]).toContain(`pairing approve support ${codeIn(supportTexts)}`);
  }, 20_000);
});

describe("an existing store", () => {
  it("keeps its sessions and approved pairings for the default channel (keys written before channel ids)", async () => {
    const dataDir = tempDataDir();
    const store = createSqliteStore(dataDir);
    const now = Date.now();
    // As earlier versions wrote them: the key `platform:chatId`, the pairing under the platform's name.
    const session = await store.sessions.current(`telegram:${alice.id}`, now, 200);
    await store.sessions.append(session.id, [
      { role: "user", text: "my number is 42", createdAt: now },
      { role: "assistant", text: "noted", createdAt: now },
    ]);
    await store.pairing.save({
      platform: "telegram", chatId: undefined, userId: String(alice.id), displayName: "Alice", code: "ABCDEFGH",
      createdAt: now, expiresAt: now + 60_000, lastSentAt: now, approvedAt: now,
    });
    store.close();

    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent((input) => [{ type: "text-delta", text: `recorder: ${input.text}` }]);
    ({ gateway } = await startTelegramGateway(fake, { DATA_DIR: dataDir, PINCER_DM_POLICY: "pairing" }, { agent }));
    fake.push(textUpdate("what is my number?"));
    await eventually(() => fake!.textsIn(alice.id).includes("recorder: what is my number?"), 8000);
    await gateway.pipeline.idle();
    // Admitted by the old approval (no pairing code sent), and the turn continued the old session.
    expect(inputs.map((input) => input.text)).toEqual(["what is my number?"]);
    expect(fake.textsIn(alice.id)).toEqual(["recorder: what is my number?"]);
    const history = await gateway.store.sessions.history(`telegram:${alice.id}`, 10);
    expect(history.map((message) => message.text)).toEqual(["my number is 42", "noted", "what is my number?", "recorder: what is my number?"]);
  }, 20_000);
});
