import type { TelegramConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const telegramDescriptor: ChannelDescriptor<TelegramConfig> = {
  platform: "telegram",
  displayName: "Telegram",
  docsPath: "docs/telegram.md",
  webhookPaths: ["/webhooks/telegram"],
  async create(settings, deps) {
    const { createTelegramAdapter } = await import("./index.ts");
    const { withWebhookSecret } = await import("./webhook-secret.ts");
    return createTelegramAdapter(await withWebhookSecret(settings, deps.dataDir, deps.channelId), deps);
  },
  probe: async (settings) => (await import("./probe.ts")).probeTelegram(settings),
};
