import type { WeixinConfig } from "../../core/config-platforms.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";

/** ClawBot runs once a login is stored (`pincer weixin login`, or the admin page's QR login). */
export const weixinDescriptor: ChannelDescriptor<WeixinConfig> = {
  platform: "weixin",
  displayName: "WeChat ClawBot",
  docsPath: "docs/weixin.md",
  webhookPaths: [],
  create: async (settings, deps) => (await import("./index.ts")).createWeixinAdapter(settings, deps),
  probe: async (settings, { dataDir }) => (await import("./probe.ts")).probeWeixin(settings, dataDir),
  login: {
    kind: "admin",
    async run(settings, io) {
      const { runWeixinLogin } = await import("./login.ts");
      const login = await runWeixinLogin({ apiBase: settings.apiBase, ...io });
      return { botId: login.botId };
    },
  },
};
