import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { platformConfigParts } from "../../core/config-platforms.ts";
import { createLogger } from "../../core/logger.ts";
import { loadConfig } from "../../core/config.ts";
import { loginSection } from "../../gateway/console/overview-page.ts";
import { translate } from "../../core/i18n/catalogue.ts";
import { createLogins } from "../../gateway/logins.ts";
import { channelDescriptors, channelRegistry, defaultChannels } from "../../gateway/registry.ts";
import { collectingLog } from "../support/recording-logger.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const cells = (row: string) => row.split("|").slice(1, -1).map((cell) => cell.trim());

/** The rows of README's channel table, as [name, guide link], without the web chat (the gateway's own). */
function readmeChannels(): [string, string | undefined][] {
  const lines = readme.split("\n");
  const header = lines.findIndex((line) => line.startsWith("| channel |"));
  const rows = lines.slice(header + 2).filter((_line, index, all) => all.slice(0, index + 1).every((line) => line.startsWith("|")));
  return rows
    .map(cells)
    .filter(([name]) => name !== "web chat")
    .map((row) => [row[0]!, /\]\(([^)]+)\)/.exec(row.at(-1)!)?.[1]]);
}

describe("the channel registry", () => {
  it("has one descriptor for each platform's part of the configuration", () => {
    expect(Object.keys(channelRegistry)).toEqual(Object.keys(platformConfigParts));
    const names = channelDescriptors().map((descriptor) => descriptor.platform);
    expect(new Set(names).size).toBe(names.length);
  });

  it("is what README's channel table lists, each platform with its guide", () => {
    const listed = readmeChannels();
    expect(listed).toEqual(channelDescriptors().map((descriptor) => [descriptor.displayName, descriptor.docsPath]));
    for (const [, guide] of listed) expect(existsSync(new URL(`../../${guide}`, import.meta.url))).toBe(true);
  });

  it("names in README's route table every webhook path a platform serves", () => {
    for (const path of channelDescriptors().flatMap((descriptor) => descriptor.webhookPaths)) expect(readme).toContain(`POST ${path}\``);
  });

  it("declares the webhook paths its adapters serve in webhook mode", async () => {
    const deps = {
      logger: createLogger({ level: "silent", secrets: [], destination: collectingLog().destination }),
      dataDir: tempDataDir(),
      maxMediaBytes: 1000,
    };
    const webhookMode = {
      telegram: { botToken: "123456:TEST-fake", apiRoot: "http://127.0.0.1:9", webhookSecret: "a".repeat(32), webhookUrl: undefined },
      slack: { botToken: "xoxb-test-fake", appToken: undefined, signingSecret: "test-signing-secret", apiUrl: "http://127.0.0.1:9/api/" },
      feishu: {
        appId: "cli_test_fake", appSecret: "test-fake-secret", domain: "http://127.0.0.1:9", connection: "webhook" as const,
        verificationToken: "test-fake-token", encryptKey: undefined,
      },
      dingtalk: { clientId: "dingfakeclientid", clientSecret: "test-fake-secret", cardTemplateId: undefined, apiBase: "http://127.0.0.1:9", connection: "webhook" as const },
    };
    for (const [key, settings] of Object.entries(webhookMode)) {
      const descriptor = channelRegistry[key as keyof typeof webhookMode] as (typeof channelRegistry)["telegram"];
      const adapter = await descriptor.create(settings as never, deps);
      expect(adapter?.routes?.map((route) => route.path).sort(), key).toEqual([...descriptor.webhookPaths].sort());
    }
  });
});

describe("the logins from the admin page", () => {
  it("are those of the platforms whose descriptor logs in there (ClawBot), each with its routes and its section of the page", async () => {
    const dataDir = tempDataDir();
    const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
    const logins = createLogins({ channels: defaultChannels(loadConfig({ DATA_DIR: dataDir }).platforms), dataDir, logger, onLoggedIn: async () => {} });
    expect(logins.platforms).toEqual([{ platform: "weixin", displayName: "WeChat ClawBot" }]);
    expect(logins.routes.map((route) => `${route.method} ${route.path}`)).toEqual([
      "POST /api/admin/weixin/login",
      "GET /api/admin/weixin/login",
      "POST /api/admin/weixin/login/code",
    ]);
    const sections = logins.platforms.map((login) => loginSection(login, (key) => translate("en", key)).html);
    expect(sections).toHaveLength(1);
    expect(sections[0]).toContain('<h3>WeChat ClawBot</h3>\n<p><button id="weixin-login" data-login="weixin">Log in with a QR code</button>');
    await logins.close();
  });
});
