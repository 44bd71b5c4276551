import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { decideAccess, type PolicySettings } from "../../core/policy.ts";
import { route } from "../../core/router.ts";
import type { InboundMessage } from "../../core/types/message.ts";

function configFile(yaml: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "pincer-config-")), "pincer.yaml");
  writeFileSync(path, yaml);
  return path;
}

const token = "654321:TEST-support-fake-token";
const channel = (fields: string) => `channels:\n  - id: support\n    platform: telegram\n${fields}`;
const load = (yaml: string, env: Record<string, string> = {}) => loadConfig({ PINCER_CONFIG: configFile(yaml), SUPPORT_TOKEN: token, ...env });

describe("PINCER_CONFIG channels", () => {
  it("reads a channel's settings with its platform's variables, ${ENV} substituted, its secrets kept from the logs", () => {
    const config = load(channel("    TELEGRAM_BOT_TOKEN: ${SUPPORT_TOKEN}\n    dmPolicy: open\n    allowFrom: [42]\n    admins: ['7']\n    agent: builtin\n"));
    expect(config.channels).toEqual([
      {
        id: "support",
        platform: "telegram",
        settings: { botToken: token, apiRoot: "https://api.telegram.org", webhookSecret: undefined, webhookUrl: undefined },
        policy: { dm: "open" },
        allowFrom: ["support:42"],
        admins: ["support:7"],
        agent: "builtin",
        secrets: [token],
      },
    ]);
    expect(config.secrets).toContain(token);
    expect(config.policy.allowFrom).toEqual(["support:42"]);
    expect(config.policy.admins).toEqual(["support:7"]);
    expect(config.policy.channels).toEqual({ support: { dm: "open" } });
    expect(config.platforms.telegram).toBeUndefined();
  });

  it("binds the channel's conversations to its agent, after the file's own bindings", () => {
    const yaml = `bindings:\n  - match: { channel: support, chatId: "9" }\n    agent: llm\n${channel("    TELEGRAM_BOT_TOKEN: ${SUPPORT_TOKEN}\n    agent: builtin\n")}`;
    const config = load(yaml, { OPENAI_BASE_URL: "http://127.0.0.1:9/v1", OPENAI_MODEL: "gpt-4o-mini" });
    const chat = (chatId: string, channelId?: string) => ({ platform: "telegram", chatId, kind: "direct" as const, ...(channelId ? { channelId } : {}) });
    expect(route(config.routing, chat("1", "support"), "support:1").agent).toBe("builtin");
    expect(route(config.routing, chat("9", "support"), "support:9").agent).toBe("llm");
    expect(route(config.routing, chat("1"), "telegram:1").agent).toBe("llm");
    expect(route(config.routing, chat("1", "telegram"), "telegram:1").agent).toBe("llm");
  });

  it("refuses a missing ${VAR}, naming the channel, the field and the variable", () => {
    expect(() => loadConfig({ PINCER_CONFIG: configFile(channel("    TELEGRAM_BOT_TOKEN: ${SUPPORT_TOKEN}\n")) })).toThrow(
      /channel "support", TELEGRAM_BOT_TOKEN, uses \$\{SUPPORT_TOKEN\}, which is not set/,
    );
  });

  it("refuses a duplicate id, a reserved id, an unknown platform, an unknown setting and missing credentials", () => {
    const entry = (id: string, platform = "telegram") => `  - id: ${id}\n    platform: ${platform}\n    TELEGRAM_BOT_TOKEN: \${SUPPORT_TOKEN}\n`;
    expect(() => load(`channels:\n${entry("support")}${entry("support")}`)).toThrow("PINCER_CONFIG: channels.1.id: support is used by two channels");
    expect(() => load(`channels:\n${entry("telegram")}`)).toThrow("PINCER_CONFIG: channels.0.id: telegram is the id of the default telegram channel");
    expect(() => load(`channels:\n${entry("web")}`)).toThrow("channels.0.id: web is the id of the default");
    expect(() => load(`channels:\n${entry("support", "icq")}`)).toThrow("PINCER_CONFIG: channels.0 (support): platform: there is no platform named icq (platforms: telegram, slack");
    expect(() => load(channel("    TELEGRAM_BOT_TOKEN: ${SUPPORT_TOKEN}\n    SLACK_BOT_TOKEN: xoxb-fake\n"))).toThrow(
      "channels.0 (support): SLACK_BOT_TOKEN: not a telegram setting",
    );
    expect(() => load(channel("    TELEGRAM_API_ROOT: http://127.0.0.1:9\n"))).toThrow("channels.0 (support): the telegram credentials are missing");
    expect(() => load(channel("    TELEGRAM_BOT_TOKEN: not-a-token\n"))).toThrow("channels.0 (support): TELEGRAM_BOT_TOKEN: expected a bot token from BotFather");
    expect(() => load(`channels:\n  - id: Support_1\n    platform: telegram\n`)).toThrow("channels.0.id: expected an id of a-z, 0-9 and -");
    expect(() => load(channel("    TELEGRAM_BOT_TOKEN: ${SUPPORT_TOKEN}\n    agent: claude\n"))).toThrow(
      "PINCER_CONFIG: channels.0 (support): agent: there is no agent named claude",
    );
  });

  it("a channel's allowlist entries and policy apply to that channel only, not to the platform's other bots", () => {
    const config = load(channel("    TELEGRAM_BOT_TOKEN: ${SUPPORT_TOKEN}\n    dmPolicy: allowlist\n    allowFrom: ['42']\n"), { PINCER_DM_POLICY: "open" });
    const settings: PolicySettings = { ...config.policy, owners: [] };
    const dm = (userId: string, channelId?: string): InboundMessage => ({
      id: "1",
      conversation: { platform: "telegram", chatId: userId, kind: "direct", ...(channelId ? { channelId } : {}) },
      sender: { id: userId, displayName: userId, isBot: false },
      sentAt: 0,
      segments: [{ type: "text", text: "hi" }],
      attachments: [],
    });
    expect(decideAccess(dm("42", "support"), settings, false).type).toBe("admit");
    expect(decideAccess(dm("43", "support"), settings, false).type).toBe("drop");
    // The default channel keeps the environment's policy.
    expect(decideAccess(dm("43"), settings, false).type).toBe("admit");
    const strict: PolicySettings = { ...settings, dm: "allowlist", allowFrom: ["telegram:43"] };
    expect(decideAccess(dm("43"), strict, false).type).toBe("admit");
    expect(decideAccess(dm("43", "support"), strict, false).type).toBe("drop");
  });
});
