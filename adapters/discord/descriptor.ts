import type { DiscordConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const discordDescriptor: ChannelDescriptor<DiscordConfig> = {
  platform: "discord",
  displayName: "Discord",
  docsPath: "docs/discord.md",
  webhookPaths: [],
  create: async (settings, deps) => (await import("./index.ts")).createDiscordAdapter(settings, deps),
  probe: async (settings) => (await import("./probe.ts")).probeDiscord(settings),
};
