import { Telegraf } from "telegraf";
import type { TelegramConfig } from "../../core/config-platforms.ts";
import { toTelegramBridgeError } from "./errors.ts";

/** For `pincer doctor`: who the token belongs to and how updates arrive. Reads only (getMe, getWebhookInfo). */
export async function probeTelegram(settings: TelegramConfig): Promise<string> {
  const { telegram } = new Telegraf(settings.botToken, { telegram: { apiRoot: settings.apiRoot.replace(/\/+$/, "") } });
  try {
    const me = await telegram.getMe();
    const webhook = await telegram.getWebhookInfo();
    const mode = settings.webhookSecret
      ? `webhook ${webhook.url ? `registered at ${webhook.url}` : settings.webhookUrl ? "registered at start" : "not registered yet (set TELEGRAM_WEBHOOK_URL or call setWebhook)"}`
      : webhook.url
        ? `long polling (a webhook is set at ${webhook.url}: it is removed at start)`
        : "long polling";
    const waiting = webhook.pending_update_count ? `; ${webhook.pending_update_count} updates waiting` : "";
    const lastError = webhook.last_error_message ? `; Telegram's last webhook error: ${webhook.last_error_message}` : "";
    return `@${me.username}, ${mode}${waiting}${lastError}`;
  } catch (thrown) {
    throw toTelegramBridgeError(thrown, "getMe");
  }
}
