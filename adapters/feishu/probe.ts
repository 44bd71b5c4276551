import type { FeishuConfig } from "../../core/config-platforms.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createCall, createClient, createTokenCache, fetchBotInfo } from "./api.ts";

/** For `pincer doctor`: a tenant token for the app's credentials, then the bot's identity. Reads only. */
export async function probeFeishu(settings: FeishuConfig, logger: Logger): Promise<string> {
  const cache = createTokenCache();
  const bot = await fetchBotInfo(createClient(settings, cache, logger), createCall(cache, logger));
  return `${bot.name || "the bot"} (${bot.openId}) on ${settings.domain}, ${settings.connection === "webhook" ? "webhook" : "long connection"}`;
}
