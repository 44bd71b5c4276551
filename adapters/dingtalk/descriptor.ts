import type { DingtalkConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const dingtalkDescriptor: ChannelDescriptor<DingtalkConfig> = {
  platform: "dingtalk",
  displayName: "DingTalk",
  docsPath: "docs/dingtalk.md",
  webhookPaths: ["/webhooks/dingtalk"],
  create: async (settings, deps) => (await import("./index.ts")).createDingtalkAdapter(settings, deps),
  probe: async (settings) => (await import("./probe.ts")).probeDingtalk(settings),
};
