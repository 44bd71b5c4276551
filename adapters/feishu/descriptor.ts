import type { FeishuConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const feishuDescriptor: ChannelDescriptor<FeishuConfig> = {
  platform: "feishu",
  displayName: "Feishu/Lark",
  docsPath: "docs/feishu.md",
  webhookPaths: ["/webhooks/feishu/events", "/webhooks/feishu/cards"],
  create: async (settings, deps) => (await import("./index.ts")).createFeishuAdapter(settings, deps),
  probe: async (settings, { logger }) => (await import("./probe.ts")).probeFeishu(settings, logger),
};
