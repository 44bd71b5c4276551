import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseEnv } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { loadConfig, type Env } from "../../../core/config.ts";
import { startGateway, type Gateway } from "../../../gateway/gateway.ts";
import { runSetupWizard, type WizardOptions } from "../../../gateway/setup/wizard.ts";
import { startFakeBotApi, type FakeBotApi } from "../../fakes/telegram-bot-api.ts";
import { startFakeSlack, type FakeSlack } from "../../fakes/slack-api.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai-server.ts";
import { startFakeIlink } from "../../fakes/weixin-ilink.ts";
import { eventually } from "../../support/eventually.ts";
import { collectingLog } from "../../support/recording-logger.ts";
import { scriptedPrompter, type ScriptedAnswer } from "../../support/scripted-prompter.ts";
import { alice, textUpdate } from "../../support/telegram.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

let telegram: FakeBotApi | undefined;
let slack: FakeSlack | undefined;
let model: FakeOpenAI | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await telegram?.close();
  await slack?.close();
  await model?.close();
  gateway = telegram = slack = model = undefined;
});

function wizardOptions(script: ScriptedAnswer[], env: Env, overrides: Partial<WizardOptions> = {}, onSay?: (text: string) => void) {
  const dataDir = tempDataDir();
  const scripted = scriptedPrompter(script, onSay);
  const options: WizardOptions = {
    prompter: scripted.prompter,
    locale: "en",
    envPath: join(dataDir, ".env"),
    env: { DATA_DIR: dataDir, PORT: "0", PINCER_SHUTDOWN_GRACE_SEC: "0", ...env },
    dataDir,
    pairingPollMs: 50,
    pairingWaitMs: 10_000,
    async start(startEnv) {
      gateway = await startGateway(loadConfig(startEnv), { logDestination: collectingLog().destination });
      return { url: gateway.url, pairing: gateway.store.pairing, stop: () => gateway!.stop() };
    },
    ...overrides,
  };
  return { options, ...scripted };
}

const noModelNoStart = (policy = "open"): ScriptedAnswer[] => [
  { kind: "select", answer: "builtin" },
  { kind: "select", answer: policy },
  { kind: "confirm", answer: false },
];

describe("pincer setup, the wizard's questions answered as a person would", () => {
  it("takes a good Telegram token, writes .env (mode 600, earlier lines kept), starts the gateway and pairs the owner, whose DM is then answered", async () => {
    telegram = await startFakeBotApi();
    const fake = telegram;
    const { options, said, remaining } = wizardOptions(
      [
        { kind: "select", asks: "Which chat app", answer: "telegram" },
        { kind: "password", asks: "TELEGRAM_BOT_TOKEN", answer: fake.token },
        { kind: "confirm", asks: "Connect another", answer: false },
        { kind: "select", asks: "Which model", answer: "builtin" },
        { kind: "select", asks: "Who may talk", answer: "pairing" },
        { kind: "confirm", asks: "Start the gateway", answer: true },
        { kind: "confirm", asks: "Pair your own account", answer: true },
        { kind: "confirm", asks: /Alice \(100000001\) asked to talk with code [A-Z2-9]{8}/, answer: true },
        { kind: "confirm", asks: "Make Alice an admin too", answer: true },
      ],
      { TELEGRAM_API_ROOT: fake.url },
      {},
      (text) => {
        // The owner does what the wizard asks: messages the bot.
        if (text.startsWith("Send your bot a message now")) fake.push(textUpdate("hello, it is me"));
      },
    );
    writeFileSync(options.envPath, "# my own notes\nLOG_LEVEL=warn\n", { mode: 0o644 });

    const result = await runSetupWizard(options);

    expect(remaining).toEqual([]);
    expect(statSync(options.envPath).mode & 0o777).toBe(0o600);
    const text = readFileSync(options.envPath, "utf8");
    expect(text.startsWith("# my own notes\nLOG_LEVEL=warn\n")).toBe(true);
    expect(parseEnv(text)).toMatchObject({ TELEGRAM_BOT_TOKEN: fake.token, PINCER_AGENT: "builtin", PINCER_DM_POLICY: "pairing", LOG_LEVEL: "warn", PINCER_ADMINS: `telegram:${alice.id}` });
    expect(said.join("\n")).not.toContain(fake.token);
    expect(said).toContain(`ok: @${fake.bot.username}, long polling`);
    expect(said.some((line) => line.startsWith("Approved: Alice may talk to the bot now"))).toBe(true);
    expect(result.gateway).toBeDefined();
    // The stranger got a pairing code first; after the approval the same person is answered.
    await eventually(() => /[A-Z2-9]{8}/.test(fake.textsIn(alice.id)[0] ?? ""));
    fake.push(textUpdate("/echo it works"));
    await eventually(() => fake.textsIn(alice.id).includes("it works"), 10_000);
  }, 30_000);

  it("explains a refused Telegram token (revoked or mistyped) and gives a second chance", async () => {
    telegram = await startFakeBotApi();
    const { options, said, remaining } = wizardOptions(
      [
        { kind: "select", answer: "telegram" },
        { kind: "password", answer: "123456:not-the-real-token" },
        { kind: "confirm", asks: "Try again?", answer: true },
        { kind: "password", answer: telegram.token },
        { kind: "confirm", asks: "Connect another", answer: false },
        ...noModelNoStart(),
      ],
      { TELEGRAM_API_ROOT: telegram.url },
    );
    await runSetupWizard(options);
    expect(remaining).toEqual([]);
    expect(said).toContain(
      "That did not work: Telegram refused the token (401): it was revoked or mistyped. Copy it again from BotFather (/mybots → your bot → API Token).",
    );
    expect(parseEnv(readFileSync(options.envPath, "utf8")).TELEGRAM_BOT_TOKEN).toBe(telegram.token);
  });

  it("tells a Slack user token (xoxp-) apart from a bot token before sending it anywhere, in English and in Chinese", async () => {
    slack = await startFakeSlack();
    for (const [locale, expected] of [
      ["en", "This is a user token (xoxp-), not a bot token. Use the Bot User OAuth Token, which starts with xoxb-"],
      ["zh-CN", "这是用户令牌（xoxp-），不是机器人令牌"],
    ] as const) {
      const { options, said, remaining } = wizardOptions(
        [
          { kind: "select", answer: "slack" },
          { kind: "select", answer: "socket" },
          { kind: "password", answer: "xoxp-1111-2222-user-token" },
          { kind: "password", answer: "xapp-test-fake-app-token" },
          { kind: "confirm", answer: false },
          { kind: "confirm", answer: false },
          ...noModelNoStart(),
        ],
        { SLACK_API_URL: slack.apiUrl },
        { locale },
      );
      await runSetupWizard(options);
      expect(remaining).toEqual([]);
      expect(said.some((line) => line.includes(expected))).toBe(true);
      expect(parseEnv(readFileSync(options.envPath, "utf8")).SLACK_BOT_TOKEN).toBeUndefined();
    }
    expect(slack.calls("auth.test")).toHaveLength(0);
  });

  it("checks an OpenAI-compatible model by listing the service's models, and writes it", async () => {
    model = await startFakeOpenAI();
    const { options, said, remaining } = wizardOptions(
      [
        { kind: "select", answer: "none" },
        { kind: "select", asks: "Which model", answer: "openai" },
        { kind: "input", asks: "Base URL", answer: model.url },
        { kind: "password", asks: "OPENAI_API_KEY", answer: "sk-test-fake" },
        { kind: "input", asks: "Model", answer: "gpt-4o-mini" },
        { kind: "select", answer: "pairing" },
        { kind: "confirm", answer: false },
      ],
      {},
    );
    await runSetupWizard(options);
    expect(remaining).toEqual([]);
    expect(said).toContain("ok: gpt-4o-mini");
    expect(parseEnv(readFileSync(options.envPath, "utf8"))).toMatchObject({ PINCER_AGENT: "llm", OPENAI_BASE_URL: model.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini" });
    expect(model.chatRequests()).toHaveLength(0);
  });

  it("keeps a token already in .env when the answer is empty, checking it all the same, and leaves its line as it was", async () => {
    telegram = await startFakeBotApi();
    const { options, said, asked, remaining } = wizardOptions(
      [
        { kind: "select", answer: "telegram" },
        { kind: "password", asks: "Enter keeps the current one", answer: "" },
        { kind: "confirm", answer: false },
        ...noModelNoStart("pairing"),
      ],
      { TELEGRAM_API_ROOT: telegram.url, TELEGRAM_BOT_TOKEN: telegram.token },
    );
    const before = `# the bot\nTELEGRAM_BOT_TOKEN=${telegram.token} # from BotFather\n`;
    writeFileSync(options.envPath, before);
    await runSetupWizard(options);
    expect(remaining).toEqual([]);
    expect(said).toContain(`ok: @${telegram.bot.username}, long polling`);
    expect(asked.map((question) => question.message).join("\n")).not.toContain(telegram.token);
    const text = readFileSync(options.envPath, "utf8");
    expect(text.startsWith(before)).toBe(true);
    expect(parseEnv(text)).toMatchObject({ TELEGRAM_BOT_TOKEN: telegram.token, PINCER_DM_POLICY: "pairing" });
  });

  it("logs in to WeChat ClawBot with the QR code in the terminal; the login is kept in DATA_DIR, not in .env", async () => {
    const ilink = await startFakeIlink({ qrScript: ["wait", "confirmed"] });
    try {
      const shown: string[] = [];
      const { options, said, remaining } = wizardOptions(
        [
          { kind: "select", answer: "weixin" },
          { kind: "confirm", asks: "Log in to ClawBot now", answer: true },
          { kind: "confirm", asks: "Connect another", answer: false },
          ...noModelNoStart("pairing"),
        ],
        { WEIXIN_API_BASE: ilink.origin },
      );
      options.loginIo = (signal) => ({ dataDir: options.dataDir, signal, fetch: globalThis.fetch, showQr: async (qr) => void shown.push(qr), say: () => undefined, askCode: async () => "" });
      await runSetupWizard(options);
      expect(remaining).toEqual([]);
      expect(shown).toHaveLength(1);
      expect(said.some((line) => line.startsWith("ok: ClawBot "))).toBe(true);
      expect(existsSync(join(options.dataDir, "weixin", "login.json"))).toBe(true);
      expect(parseEnv(readFileSync(options.envPath, "utf8"))).toEqual({ PINCER_AGENT: "builtin", PINCER_DM_POLICY: "pairing" });
    } finally {
      await ilink.close();
    }
  }, 20_000);
});
