import { z } from "zod";
import { platformConfigParts } from "../../core/config-platforms.ts";
import { createLogger } from "../../core/logger.ts";
import { translate, type Locale } from "../../core/i18n/catalogue.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";
import { channelRegistry } from "../registry.ts";
import type { PlatformKey } from "./platforms.ts";

export type Env = Record<string, string | undefined>;

/** A live check's outcome: what the platform said, or a plain explanation of what to fix. */
export type CheckOutcome = { isOk: true; detail: string | undefined; settings: unknown } | { isOk: false; explanation: string };

/**
 * A platform's settings from its variables, through the same slice (`envShape`, `fromEnv`) as the environment's;
 * undefined when its credentials are absent. A value of the wrong form throws `BridgeError("config")` naming it.
 */
export function settingsFrom(key: PlatformKey, env: Env): unknown {
  const part = platformConfigParts[key];
  const present = Object.fromEntries(Object.keys(part.envShape).map((name) => [name, env[name] === "" ? undefined : env[name]]));
  const parsed = z.object(part.envShape).safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BridgeError("config", `${String(issue.path[0])}: ${issue.message}`);
  }
  return (part.fromEnv as (values: unknown) => unknown)(parsed.data);
}

/** Tokens people paste into the wrong box, recognised before anything is sent. */
function wrongKind(key: PlatformKey, env: Env, locale: Locale): string | undefined {
  if (key !== "slack") return undefined;
  const bot = env.SLACK_BOT_TOKEN ?? "";
  if (bot.startsWith("xoxp-")) return translate(locale, "setup.explain.slackUserToken");
  if (bot.startsWith("xapp-")) return translate(locale, "setup.explain.slackAppTokenAsBot");
  return undefined;
}

const scopePattern = /\b(?:scope|permission)s?\b[^[\]]*?\[?\s*"?((?:im|contact|chat|channels|groups|mpim|users|files|app_mentions|Robot|Card|qyapi)[\w.:-]*)/i;

/** A failed check in words a newcomer can act on. */
export function explain(key: PlatformKey, thrown: unknown, locale: Locale): string {
  const error = toBridgeError(thrown);
  const t = (messageKey: Parameters<typeof translate>[1], params = {}) => translate(locale, messageKey, params);
  if (error.code === "config") return t("setup.explain.format", { detail: error.message });
  const scope = scopePattern.exec(error.message)?.[1] ?? (/missing_scope/.test(error.message) ? "needed" : undefined);
  if (scope) return t("setup.explain.missingScope", { scope });
  const isRefused = error.code === "unauthorized" || /\b401\b|invalid_auth|not_authed|token_revoked|account_inactive|invalid app|app secret|appsecret/i.test(error.message);
  if (isRefused) {
    switch (key) {
      case "telegram":
        return t("setup.explain.telegramUnauthorized");
      case "slack":
        return t("setup.explain.slackRefused", { code: /invalid_auth|not_authed|token_revoked|token_expired|account_inactive/.exec(error.message)?.[0] ?? "invalid_auth" });
      case "feishu":
        return t("setup.explain.feishuRefused");
      case "dingtalk":
        return t("setup.explain.dingtalkRefused");
      case "qq":
        return t("setup.explain.qqRefused");
      case "discord":
        return t("setup.explain.discordUnauthorized");
      default:
        break;
    }
  }
  if (key === "feishu" && /open_id|bot capability/.test(error.message)) return t("setup.explain.feishuNoBot");
  if (error.code === "timeout" || /could not be reached|ECONNREFUSED|ENOTFOUND|fetch failed|ETIMEDOUT/i.test(error.message)) {
    return t("setup.explain.unreachable", { detail: error.message });
  }
  return t("setup.explain.other", { detail: error.message });
}

/**
 * Checks a platform's credentials with the same read-only calls as `pincer doctor` (its descriptor's `probe`):
 * Telegram getMe, Slack auth.test, a Feishu tenant token and the bot's info, DingTalk and QQ access tokens, Discord
 * /users/@me. Nothing is stored, and a running gateway keeps its connection.
 */
export async function checkPlatform(key: PlatformKey, env: Env, options: { dataDir: string; locale: Locale }): Promise<CheckOutcome> {
  const wrong = wrongKind(key, env, options.locale);
  if (wrong) return { isOk: false, explanation: wrong };
  try {
    const settings = settingsFrom(key, env);
    if (settings === undefined) throw new BridgeError("config", "no credentials given");
    const descriptor = channelRegistry[key] as ChannelDescriptor<unknown>;
    const logger = createLogger({ level: "silent", secrets: [] });
    const detail = await descriptor.probe(settings, { dataDir: options.dataDir, logger });
    return { isOk: true, detail, settings };
  } catch (thrown) {
    return { isOk: false, explanation: explain(key, thrown, options.locale) };
  }
}
