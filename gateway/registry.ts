import { dingtalkDescriptor } from "../adapters/dingtalk/descriptor.ts";
import { discordDescriptor } from "../adapters/discord/descriptor.ts";
import { feishuDescriptor } from "../adapters/feishu/descriptor.ts";
import { slackDescriptor } from "../adapters/slack/descriptor.ts";
import { telegramDescriptor } from "../adapters/telegram/descriptor.ts";
import { wechatDescriptor } from "../adapters/wechat/descriptor.ts";
import { wecomDescriptor } from "../adapters/wecom/descriptor.ts";
import { weixinDescriptor } from "../adapters/weixin/descriptor.ts";
import { qqDescriptor } from "../adapters/qq/descriptor.ts";
import type { ChannelConfig } from "../core/config-channels.ts";
import type { PlatformsConfig } from "../core/config-platforms.ts";
import type { ChannelDescriptor } from "../core/types/channel.ts";

/** The registry's shape: one descriptor for each key of `config.platforms`, taking that key's settings. */
export type ChannelRegistry = { [Key in keyof PlatformsConfig]: ChannelDescriptor<NonNullable<PlatformsConfig[Key]>> };

/**
 * Every chat platform besides the web chat (which the gateway always serves), in the order they start.
 * Each descriptor imports its adapter only when a channel is created or probed. A new platform adds its
 * config slice to `core/config-platforms.ts` and its descriptor here; the compiler holds the two lists equal.
 */
export const channelRegistry: ChannelRegistry = {
  telegram: telegramDescriptor,
  slack: slackDescriptor,
  feishu: feishuDescriptor,
  wechaty: wechatDescriptor,
  wecom: wecomDescriptor,
  weixin: weixinDescriptor,
  dingtalk: dingtalkDescriptor,
  discord: discordDescriptor,
  qq: qqDescriptor,
};

/**
 * One channel to run: a bot on a platform, with its settings. Each configured platform has its default
 * channel, from the environment, whose id is the platform's name; PINCER_CONFIG `channels:` adds more.
 */
export interface ChannelSpec<Settings = unknown> {
  id: string;
  descriptor: ChannelDescriptor<Settings>;
  settings: Settings;
}

/** The default channel of each platform whose settings are present, in the registry's order. */
export function defaultChannels(platforms: PlatformsConfig, registry: Partial<ChannelRegistry> = channelRegistry): ChannelSpec[] {
  return Object.entries(registry).flatMap(([key, descriptor]) => {
    const settings: unknown = platforms[key as keyof PlatformsConfig];
    return settings === undefined ? [] : [{ id: descriptor.platform, descriptor: descriptor as ChannelDescriptor<unknown>, settings }];
  });
}

/** Every descriptor, in the registry's order. */
export const channelDescriptors = (registry: Partial<ChannelRegistry> = channelRegistry): ChannelDescriptor<unknown>[] =>
  Object.values(registry) as ChannelDescriptor<unknown>[];

/** The default channels, then the `channels:` entries of PINCER_CONFIG, each with its platform's descriptor. */
export function configuredChannels(
  config: { platforms: PlatformsConfig; channels: readonly ChannelConfig[] },
  registry: Partial<ChannelRegistry> = channelRegistry,
): ChannelSpec[] {
  const extra = config.channels.flatMap((channel) => {
    const descriptor = registry[channel.platform] as ChannelDescriptor<unknown> | undefined;
    return descriptor ? [{ id: channel.id, descriptor, settings: channel.settings as unknown }] : [];
  });
  return [...defaultChannels(config.platforms, registry), ...extra];
}

/** Whether a channel is its platform's default one (from the environment, with today's webhook paths). */
export const isDefaultChannel = (spec: Pick<ChannelSpec, "id" | "descriptor">): boolean => spec.id === spec.descriptor.platform;
