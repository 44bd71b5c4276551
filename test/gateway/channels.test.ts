import { createChatPlatform } from "../fakes/chat-platform.ts";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import type { TelegramConfig, SlackConfig, WeixinConfig } from "../../core/config-platforms.ts";
import type { Adapter } from "../../core/types/adapter.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";
import type { Logger } from "../../core/types/logger.ts";
import { channelRoutes, createChannel, createChannels } from "../../gateway/channels.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);

function fakeDescriptor<Settings>(platform: string, makes: "a channel" | "nothing" = "a channel") {
  const created: { settings: Settings; bindings: Record<string, unknown> }[] = [];
  const descriptor: ChannelDescriptor<Settings> = {
    platform,
    displayName: platform,
    docsPath: `docs/${platform}.md`,
    webhookPaths: [],
    async create(settings, deps) {
      created.push({ settings, bindings: (deps.logger as Logger & { bindings: Record<string, unknown> }).bindings });
      return makes === "nothing" ? undefined : ({ platform } as Adapter);
    },
    probe: async () => undefined,
  };
  return { descriptor, created };
}

const bindingLogger = (bindings: Record<string, unknown> = {}): Logger & { bindings: Record<string, unknown> } => {
  const logger = { bindings, debug() {}, info() {}, warn() {}, error() {}, child: (more: Record<string, unknown>) => bindingLogger({ ...bindings, ...more }) };
  return logger;
};

describe("creating the channels", () => {
  it("creates one channel per configured platform, in the registry's order, each with its own logger, and calls no other factory", async () => {
    const telegram = fakeDescriptor<TelegramConfig>("telegram");
    const slack = fakeDescriptor<SlackConfig>("slack");
    const weixin = fakeDescriptor<WeixinConfig>("weixin", "nothing");
    const config = loadConfig({ DATA_DIR: tempDataDir(), TELEGRAM_BOT_TOKEN: "123456:TEST-fake" });
    const deps = { logger: bindingLogger(), dataDir: config.dataDir, maxMediaBytes: 1000 };
    const channels = await createChannels(config, deps, { weixin: weixin.descriptor, slack: slack.descriptor, telegram: telegram.descriptor });
    expect(channels.map((channel) => channel.platform)).toEqual(["telegram"]);
    expect(telegram.created).toEqual([{ settings: config.platforms.telegram, bindings: { channel: "telegram", platform: "telegram" } }]);
    expect(slack.created).toEqual([]);
    // ClawBot's settings are always there; without a stored login its factory makes no channel.
    expect(weixin.created).toHaveLength(1);
  });

  it("loads no platform adapter and no platform SDK when no platform is configured", async () => {
    // A child process, so that the modules this test file imported do not count: it records every module resolved.
    const script = `
      import { registerHooks } from "node:module";
      const resolved = [];
      registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); resolved.push(result.url); return result; } });
      const { loadConfig } = await import("./core/config.ts");
      const { createLogger } = await import("./core/logger.ts");
      const { createChannels } = await import("./gateway/channels.ts");
      const config = loadConfig(JSON.parse(process.argv[1]));
      const channels = await createChannels(config, { logger: createLogger({ level: "silent", secrets: [] }), dataDir: config.dataDir, maxMediaBytes: 1000 });
      console.log(JSON.stringify({ channels: channels.map((channel) => channel.platform), resolved }));
    `;
    const load = async (env: Record<string, string>) => {
      const { stdout } = await run(process.execPath, ["--input-type=module", "-e", script, JSON.stringify({ DATA_DIR: tempDataDir(), ...env })], { timeout: 60_000 });
      return JSON.parse(stdout) as { channels: string[]; resolved: string[] };
    };
    const platformModule = /\/adapters\/(telegram|slack|feishu|wechat|wecom)\/(?!descriptor\.ts$)|\/node_modules\/(telegraf|@slack|@larksuiteoapi|wechaty|@wecom|grammy)/;

    const none = await load({});
    expect(none.channels).toEqual([]);
    expect(none.resolved.filter((url) => platformModule.test(url))).toEqual([]);

    // The same check sees a configured platform's adapter being loaded.
    const telegram = await load({ TELEGRAM_BOT_TOKEN: "123456:TEST-fake" });
    expect(telegram.channels).toEqual(["telegram"]);
    expect(telegram.resolved.some((url) => url.endsWith("/adapters/telegram/index.ts"))).toBe(true);
  });
});

describe("a channel's webhook routes", () => {
  const route = (path: string) => ({ method: "POST" as const, path, isOwnerOnly: false, handle() {} });
  const adapter = (paths: string[]) => ({ ...createChatPlatform("slack").adapter, routes: paths.map(route) });

  it("serves another channel's under /webhooks/<platform>/<channelId>, and the default channel's under both paths", () => {
    const paths = ["/webhooks/slack/events", "/webhooks/slack/interactions"];
    expect(channelRoutes({ id: "acme", platform: "slack", adapter: adapter(paths) }).map((each) => each.path)).toEqual([
      "/webhooks/slack/acme/events",
      "/webhooks/slack/acme/interactions",
    ]);
    expect(channelRoutes({ id: "slack", platform: "slack", adapter: adapter(paths) }).map((each) => each.path)).toEqual([
      "/webhooks/slack/events",
      "/webhooks/slack/slack/events",
      "/webhooks/slack/interactions",
      "/webhooks/slack/slack/interactions",
    ]);
    expect(channelRoutes({ id: "bot2", platform: "telegram", adapter: adapter(["/webhooks/telegram", "/api/web/messages"]) }).map((each) => each.path)).toEqual([
      "/webhooks/telegram/bot2",
      "/api/web/messages",
    ]);
  });
});

describe("a channel of a platform that logs in with a QR code", () => {
  it("is refused beyond the default one, whose login it would take over", async () => {
    const { weixinDescriptor } = await import("../../adapters/weixin/descriptor.ts");
    const deps = { logger: bindingLogger(), dataDir: tempDataDir(), maxMediaBytes: 1000 };
    const settings = loadConfig({ DATA_DIR: deps.dataDir }).platforms.weixin;
    await expect(createChannel({ id: "wx-two", descriptor: weixinDescriptor as never, settings }, deps)).rejects.toThrow(
      "channels (wx-two): WeChat ClawBot logs in with a QR code; only its default channel",
    );
  });
});
