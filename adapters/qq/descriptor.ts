import type { QqConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

/** The official QQ bot: on with QQ_APP_ID + QQ_APP_SECRET. */
export const qqDescriptor: ChannelDescriptor<QqConfig> = {
  platform: "qq",
  displayName: "QQ",
  docsPath: "docs/qq.md",
  webhookPaths: ["/webhooks/qq"],
  create: async (settings, deps) => (await import("./index.ts")).createQqAdapter(settings, deps),
  probe: async (settings) => (await import("./probe.ts")).probeQq(settings),
};
