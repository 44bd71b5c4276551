import type { Config } from "../core/config.ts";
import type { Adapter, AdapterDeps } from "../core/types/adapter.ts";

/**
 * The chat platforms that are configured, each behind the same `Adapter`. Their SDKs are imported
 * only when the platform is on, so an unconfigured gateway loads none and reaches no platform.
 */
export async function createChannels(config: Config, deps: AdapterDeps): Promise<Adapter[]> {
  const { platforms } = config;
  const forChannel = (channel: string): AdapterDeps => ({ ...deps, logger: deps.logger.child({ channel }) });
  const channels: Adapter[] = [];
  if (platforms.telegram) {
    const { createTelegramAdapter } = await import("../adapters/telegram/index.ts");
    const { withWebhookSecret } = await import("../adapters/telegram/webhook-secret.ts");
    channels.push(createTelegramAdapter(await withWebhookSecret(platforms.telegram, deps.dataDir), forChannel("telegram")));
  }
  if (platforms.slack) {
    const { createSlackAdapter } = await import("../adapters/slack/index.ts");
    channels.push(createSlackAdapter(platforms.slack, forChannel("slack")));
  }
  if (platforms.feishu) {
    const { createFeishuAdapter } = await import("../adapters/feishu/index.ts");
    channels.push(createFeishuAdapter(platforms.feishu, forChannel("feishu")));
  }
  if (platforms.wechaty) {
    const { createWechatAdapter } = await import("../adapters/wechat/index.ts");
    channels.push(await createWechatAdapter(platforms.wechaty, forChannel("wechat")));
  }
  if (platforms.wecom) {
    const { createWecomAdapter } = await import("../adapters/wecom/index.ts");
    channels.push(createWecomAdapter(platforms.wecom, forChannel("wecom")));
  }
  const weixin = await createWeixinChannel(config, deps);
  if (weixin) channels.push(weixin);
  return channels;
}

/** ClawBot, when a login is stored (`pincer weixin login`, or the admin API's login, which calls this once it succeeds). */
export async function createWeixinChannel(config: Config, deps: AdapterDeps): Promise<Adapter | undefined> {
  const { createWeixinAdapter } = await import("../adapters/weixin/index.ts");
  return createWeixinAdapter(config.platforms.weixin, { ...deps, logger: deps.logger.child({ channel: "weixin" }) });
}
