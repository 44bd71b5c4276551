import type { WecomConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const wecomDescriptor: ChannelDescriptor<WecomConfig> = {
  platform: "wecom",
  displayName: "WeCom",
  docsPath: "docs/wecom.md",
  webhookPaths: [],
  create: async (settings, deps) => (await import("./index.ts")).createWecomAdapter(settings, deps),
  // WeCom allows one long connection per bot: a probe would take it over from a running gateway.
  probe: async ({ botId, wsUrl }) => `bot ${botId} at ${wsUrl} (not connected: WeCom allows one connection per bot; /readyz shows the gateway's)`,
};
