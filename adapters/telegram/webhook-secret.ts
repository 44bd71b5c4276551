import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TelegramConfig } from "../../core/config-platforms.ts";

/** Where the generated secret is kept, so that a restart registers and expects the same one; one file per channel. */
export const webhookSecretFile = (dataDir: string, channelId = "telegram") =>
  join(dataDir, channelId === "telegram" ? "telegram-webhook-secret" : `telegram-webhook-secret-${channelId}`);

/** Telegram accepts 1 to 256 characters from A-Z, a-z, 0-9, _ and -; 64 hex characters are 256 bits. */
const storedSecretPattern = /^[\w-]{32,256}$/;

async function loadOrCreate(path: string): Promise<string> {
  const stored = await readFile(path, "utf8").then((text) => text.trim(), () => undefined);
  if (stored !== undefined && storedSecretPattern.test(stored)) return stored;
  const secret = randomBytes(32).toString("hex");
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  return secret;
}

/**
 * Webhook mode with TELEGRAM_WEBHOOK_URL but no TELEGRAM_WEBHOOK_SECRET: a secret is generated once,
 * kept in DATA_DIR (mode 600) and registered with setWebhook at start.
 */
export async function withWebhookSecret(settings: TelegramConfig, dataDir: string, channelId?: string): Promise<TelegramConfig> {
  if (settings.webhookSecret !== undefined || settings.webhookUrl === undefined) return settings;
  return { ...settings, webhookSecret: await loadOrCreate(webhookSecretFile(dataDir, channelId)) };
}
