import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { BridgeError } from "../../core/types/errors.ts";

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    return (error as BridgeError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("chat platforms", () => {
  it("turns on no platform without credentials, only ClawBot's endpoints have defaults", () => {
    const { platforms } = loadConfig({});
    expect(platforms).toMatchObject({ telegram: undefined, slack: undefined, feishu: undefined, wechaty: undefined, wecom: undefined });
    expect(platforms.weixin).toEqual({
      apiBase: "https://ilinkai.weixin.qq.com",
      cdnBase: "https://novac2c.cdn.weixin.qq.com/c2c",
      contextTokenTtlMs: 240_000,
      sendsPerMessage: 10,
    });
  });

  it("turns a platform on when its credentials are present, with its defaults", () => {
    const { platforms } = loadConfig({
      TELEGRAM_BOT_TOKEN: "123456:TEST-fake",
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_APP_TOKEN: "xapp-test",
      FEISHU_APP_ID: "cli_a1b2c3d4e5f60718",
      FEISHU_APP_SECRET: "fake-secret",
    });
    expect(platforms.telegram).toEqual({ botToken: "123456:TEST-fake", apiRoot: "https://api.telegram.org", webhookSecret: undefined, webhookUrl: undefined });
    expect(platforms.slack).toMatchObject({ appToken: "xapp-test", apiUrl: "https://slack.com/api/" });
    expect(platforms.feishu).toMatchObject({ domain: "feishu", connection: "websocket" });
  });

  it("refuses a half-configured platform, naming the variable to set", () => {
    expect(configError({ SLACK_BOT_TOKEN: "xoxb-test" })).toMatch(/^SLACK_SIGNING_SECRET: required/);
    expect(configError({ SLACK_APP_TOKEN: "xapp-test" })).toMatch(/^SLACK_BOT_TOKEN: required/);
    expect(configError({ FEISHU_APP_ID: "cli_a1b2c3d4e5f60718" })).toMatch(/^FEISHU_APP_SECRET: required/);
    expect(configError({ FEISHU_APP_ID: "cli_a", FEISHU_APP_SECRET: "s", FEISHU_CONNECTION: "webhook" })).toMatch(/^FEISHU_VERIFICATION_TOKEN: required/);
    expect(configError({ WECOM_BOT_SECRET: "s" })).toMatch(/^WECOM_BOT_ID: required/);
  });

  it("refuses a Telegram webhook secret that is short enough to guess or that Telegram would refuse", () => {
    const telegram = { TELEGRAM_BOT_TOKEN: "123456:TEST-fake" };
    for (const secret of ["q", "a".repeat(31), `${"a".repeat(32)}!`, "a".repeat(257)]) {
      const message = configError({ ...telegram, TELEGRAM_WEBHOOK_SECRET: secret });
      expect(message).toMatch(/^TELEGRAM_WEBHOOK_SECRET: expected 32 to 256 characters/);
      expect(message).not.toContain(secret);
    }
    expect(loadConfig({ ...telegram, TELEGRAM_WEBHOOK_SECRET: "a".repeat(32) }).platforms.telegram?.webhookSecret).toBe("a".repeat(32));
  });

  it("accepts a Telegram webhook URL without a secret (the gateway generates one)", () => {
    const { platforms } = loadConfig({ TELEGRAM_BOT_TOKEN: "123456:TEST-fake", TELEGRAM_WEBHOOK_URL: "https://bot.example.org/webhooks/telegram" });
    expect(platforms.telegram).toMatchObject({ webhookSecret: undefined, webhookUrl: "https://bot.example.org/webhooks/telegram" });
  });

  it("says what a malformed value should look like, without echoing a secret", () => {
    const message = configError({ TELEGRAM_BOT_TOKEN: "not a token" });
    expect(message).toMatch(/^TELEGRAM_BOT_TOKEN: expected a bot token from BotFather/);
    expect(message).not.toContain("not a token");
    expect(configError({ SLACK_BOT_TOKEN: "xapp-wrong-kind" })).toMatch(/^SLACK_BOT_TOKEN: expected a bot token starting with xoxb-/);
    expect(configError({ FEISHU_DOMAIN: "larksuite" })).toMatch(/^FEISHU_DOMAIN: expected feishu, lark or a base URL \(got "larksuite"\)/);
    expect(configError({ WECOM_WS_URL: "http://127.0.0.1:1" })).toMatch(/^WECOM_WS_URL: expected a ws:\/\/ or wss:\/\/ URL/);
  });

  it("keeps platform credentials out of logs and out of the agent's commands", () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: "123456:TEST-fake", SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: "signing-secret-fake" });
    expect(config.secrets).toEqual(expect.arrayContaining(["123456:TEST-fake", "xoxb-test", "signing-secret-fake"]));
    expect(config.commandEnv).not.toHaveProperty("SLACK_SIGNING_SECRET");
  });

  it("turns Discord on with its token: threads on by default, the REST base overridable, a bad value named", () => {
    expect(loadConfig({}).platforms.discord).toBeUndefined();
    expect(loadConfig({ DISCORD_BOT_TOKEN: "fake-discord-token.test.0000000000", DISCORD_GATEWAY_URL: "" }).platforms.discord).toEqual({
      botToken: "fake-discord-token.test.0000000000",
      hasThreads: true,
      apiBase: "https://discord.com/api/v10",
      gatewayUrl: undefined,
    });
    const overridden = loadConfig({ DISCORD_BOT_TOKEN: "fake-discord-token.test.0000000000", DISCORD_THREADS: "false", DISCORD_API_BASE: "http://127.0.0.1:9/api/v10/", DISCORD_GATEWAY_URL: "ws://127.0.0.1:9/gateway" });
    expect(overridden.platforms.discord).toMatchObject({ hasThreads: false, apiBase: "http://127.0.0.1:9/api/v10", gatewayUrl: "ws://127.0.0.1:9/gateway" });
    expect(configError({ DISCORD_BOT_TOKEN: "short" })).toContain("DISCORD_BOT_TOKEN");
    expect(configError({ DISCORD_BOT_TOKEN: "fake-discord-token.test.0000000000", DISCORD_THREADS: "yes" })).toContain("DISCORD_THREADS");
  });
});
