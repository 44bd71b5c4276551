import type { WechatyConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

export const wechatDescriptor: ChannelDescriptor<WechatyConfig> = {
  platform: "wechat",
  displayName: "WeChat (wechaty)",
  docsPath: "docs/wechat.md",
  webhookPaths: [],
  create: async (settings, deps) => (await import("./index.ts")).createWechatAdapter(settings, deps),
  probe: async (settings, { dataDir }) => (await import("./probe.ts")).probeWechat(settings, dataDir),
  // The puppet asks for a scan while it starts: health().loginQr, drawn on the admin page.
  login: { kind: "health" },
};
