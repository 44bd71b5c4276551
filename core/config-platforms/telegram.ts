import { z } from "zod";
import { optionalUrl, platformConfigPart, urlWithDefault } from "./fields.ts";

export interface TelegramConfig {
  botToken: string;
  apiRoot: string;
  /** Set (or generated in DATA_DIR when only webhookUrl is set): webhook mode at POST /webhooks/telegram; unset: long polling. */
  webhookSecret: string | undefined;
  /** The public URL of /webhooks/telegram; when set, `setWebhook` is called at start. */
  webhookUrl: string | undefined;
}

export const telegramConfig = platformConfigPart({
  envShape: {
    TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, { error: "expected a bot token from BotFather, like 123456:ABC-def" }).optional(),
    TELEGRAM_API_ROOT: urlWithDefault("https://api.telegram.org"),
    TELEGRAM_WEBHOOK_SECRET: z
      .string()
      .regex(/^[\w-]{32,256}$/, { error: "expected 32 to 256 characters from A-Z, a-z, 0-9, _ and - (for example: openssl rand -hex 32)" })
      .optional(),
    TELEGRAM_WEBHOOK_URL: optionalUrl,
  },
  secretNames: ["TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"],
  fromEnv: (values): TelegramConfig | undefined =>
    values.TELEGRAM_BOT_TOKEN
      ? {
          botToken: values.TELEGRAM_BOT_TOKEN,
          apiRoot: values.TELEGRAM_API_ROOT,
          webhookSecret: values.TELEGRAM_WEBHOOK_SECRET,
          webhookUrl: values.TELEGRAM_WEBHOOK_URL,
        }
      : undefined,
});
