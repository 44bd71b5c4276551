import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeBotApi } from "../fakes/telegram-bot-api.ts";
import { startFakeSlack } from "../fakes/slack-api.ts";
import { startFakeDiscord } from "../fakes/discord.ts";
import { startFakeQq } from "../fakes/qq.ts";
import { fakeAppId, fakeAppSecret, fakeBotOpenId, startFakeOpenPlatform } from "../fakes/feishu-open-platform.ts";
import { tempDataDir } from "../support/web-chat-client.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";

const run = promisify(execFile);
let model: FakeOpenAI | undefined;
afterEach(async () => {
  await model?.close();
  model = undefined;
});

async function doctor(env: Record<string, string>) {
  try {
    const { stdout } = await run(process.execPath, ["bin/pincer.ts", "doctor"], {
      env: { PATH: process.env.PATH ?? "", DATA_DIR: tempDataDir(), ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    return { code: failure.code, stdout: failure.stdout };
  }
}

// Each case runs `doctor` as a process (one or two), which takes several seconds on a busy 2-core machine.
describe("pincer doctor", { timeout: 60_000 }, () => {
  it("reaches the model endpoint without spending a token and says whether the model is offered", async () => {
    model = await startFakeOpenAI();
    const result = await doctor({ OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini" });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`ok   model (openai): reached ${model.url}; gpt-4o-mini is offered`);
    expect(model.chatRequests()).toHaveLength(0);
  });

  it("fails, naming what, when the model endpoint cannot be reached or a coding agent's command is missing", async () => {
    const result = await doctor({
      OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
      OPENAI_API_KEY: "sk-test-fake",
      OPENAI_MODEL: "gpt-4o-mini",
      ACP_AGENT_COMMAND: "no-such-coding-agent --acp",
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL model (openai): The model service could not be reached.");
    expect(result.stdout).toContain("FAIL coding agent acp: no-such-coding-agent is not an executable on PATH");
  });

  it("reaches each configured chat platform with calls that only read, and fails on a refused token", async () => {
    const telegram = await startFakeBotApi();
    try {
      const result = await doctor({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url, WECOM_BOT_ID: "bot-fake", WECOM_BOT_SECRET: "secret-fake" });
      expect(result.stdout).toContain(`ok   Telegram: @${telegram.bot.username}, long polling`);
      expect(result.stdout).toContain("ok   WeCom: bot bot-fake");
      expect(result.stdout).not.toContain("WeChat ClawBot");
      expect(telegram.calls.map((call) => call.path.split("/").at(-1))).toEqual(["getMe", "getWebhookInfo"]);

      telegram.failNext("getMe", { error_code: 401, description: "Unauthorized" });
      const refused = await doctor({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.url });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain("FAIL Telegram: Telegram getMe: 401 Unauthorized (is TELEGRAM_BOT_TOKEN right?)");
    } finally {
      await telegram.close();
    }
  });

  it("gets a Feishu tenant token and the bot's identity", async () => {
    const feishu = await startFakeOpenPlatform();
    try {
      const result = await doctor({ FEISHU_APP_ID: fakeAppId, FEISHU_APP_SECRET: fakeAppSecret, FEISHU_DOMAIN: feishu.origin });
      expect(result.stdout).toMatch(new RegExp(`ok {3}Feishu/Lark: .*\\(${fakeBotOpenId}\\) on ${feishu.origin}, long connection`));
      const wrong = await doctor({ FEISHU_APP_ID: fakeAppId, FEISHU_APP_SECRET: "wrong-secret", FEISHU_DOMAIN: feishu.origin });
      expect(wrong.code).toBe(1);
      expect(wrong.stdout).toContain("FAIL Feishu/Lark");
    } finally {
      await feishu.close();
    }
  });

  it("checks the Slack bot token with auth.test and lists the channels that are on", async () => {
    const slack = await startFakeSlack();
    try {
      const env = { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: "xapp-test-fake", SLACK_API_URL: slack.apiUrl };
      const result = await doctor(env);
      expect(result.stdout).toContain("  channels: web, slack");
      expect(result.stdout).toMatch(/ok {3}Slack: .*, Socket Mode/);
      const refused = await doctor({ ...env, SLACK_BOT_TOKEN: "xoxb-wrong-token" });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain("FAIL Slack");
    } finally {
      await slack.close();
    }
  });

  it("checks the Discord token with /users/@me and the Message Content intent, without connecting to the gateway", async () => {
    const discord = await startFakeDiscord();
    try {
      const env = { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase };
      const result = await doctor(env);
      expect(result.stdout).toContain("  channels: web, discord");
      expect(result.stdout).toMatch(/ok {3}Discord: @pincer-test .*Message Content intent on/);
      expect(discord.identifies).toHaveLength(0);
      const refused = await doctor({ ...env, DISCORD_BOT_TOKEN: "wrong-token-000000000000" });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/FAIL Discord.*DISCORD_BOT_TOKEN/);
    } finally {
      await discord.close();
    }
  });

  it("gets a QQ access token from the token endpoint and reports the bot, saying when it is the sandbox", async () => {
    const qq = await startFakeQq();
    try {
      const env = { QQ_APP_ID: qq.appId, QQ_APP_SECRET: qq.appSecret, QQ_API_BASE: qq.origin, QQ_TOKEN_URL: qq.tokenUrl };
      const result = await doctor(env);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("  channels: web, qq");
      expect(result.stdout).toMatch(new RegExp(`ok {3}QQ: bot PincerFakeBot \\(${qq.botId}\\), app ${qq.appId}; webhook POST /webhooks/qq; API ${qq.origin}`));
      expect(qq.tokenRequests).toEqual([{ appId: qq.appId, clientSecret: qq.appSecret }]);
      expect(result.stdout).not.toContain(qq.appSecret);
      const sandbox = await doctor({ ...env, QQ_SANDBOX: "true", QQ_CONNECTION: "websocket" });
      expect(sandbox.stdout).toMatch(/ok {3}QQ: .*WebSocket gateway, sandbox/);
      const refused = await doctor({ ...env, QQ_APP_SECRET: "wrong-secret-0000" });
      expect(refused.code).toBe(1);
      expect(refused.stdout).toMatch(/FAIL QQ: .*QQ_APP_ID and QQ_APP_SECRET/);
    } finally {
      await qq.close();
    }
  });

  it("lists the knowledge bases with their sizes, and whether embeddings are on", async () => {
    const dataDir = tempDataDir();
    const store = createSqliteStore(dataDir);
    await store.knowledge.put(
      { kb: "handbook", source: "/docs/guide.md", title: "Guide", sizeBytes: 40, addedAt: Date.now(), embeddingModel: undefined },
      [{ section: "Deploying", text: "Deploy from the release branch.", embedding: undefined }, { section: "Rollback", text: "Roll back with the previous tag.", embedding: undefined }],
    );
    store.close();
    const off = await doctor({ DATA_DIR: dataDir });
    expect(off.stdout).toContain("ok   knowledge bases: handbook (1 documents, 2 passages, 1 KB); embeddings off: nothing leaves this machine");
    model = await startFakeOpenAI();
    const on = await doctor({ DATA_DIR: dataDir, EMBEDDINGS_MODEL: "fake-embed", OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini" });
    expect(on.stdout).toContain("ok   knowledge bases: handbook (1 documents, 2 passages, 1 KB); embeddings on (fake-embed)");
  });
});
