import type { z } from "zod";
import { discordConfig } from "./config-platforms/discord.ts";
import { feishuConfig } from "./config-platforms/feishu.ts";
import { slackConfig } from "./config-platforms/slack.ts";
import { telegramConfig } from "./config-platforms/telegram.ts";
import { wechatyConfig } from "./config-platforms/wechaty.ts";
import { wecomConfig } from "./config-platforms/wecom.ts";
import { dingtalkConfig } from "./config-platforms/dingtalk.ts";
import { weixinConfig } from "./config-platforms/weixin.ts";
import { qqConfig } from "./config-platforms/qq.ts";

export type { TelegramConfig } from "./config-platforms/telegram.ts";
export type { SlackConfig } from "./config-platforms/slack.ts";
export type { FeishuConfig } from "./config-platforms/feishu.ts";
export type { WechatyConfig } from "./config-platforms/wechaty.ts";
export type { WecomConfig } from "./config-platforms/wecom.ts";
export type { WeixinConfig } from "./config-platforms/weixin.ts";
export type { DingtalkConfig } from "./config-platforms/dingtalk.ts";
export type { DiscordConfig } from "./config-platforms/discord.ts";
export type { QqConfig } from "./config-platforms/qq.ts";

/**
 * Each platform's part of the configuration, by the key of `config.platforms`; the gateway's registry
 * (gateway/registry.ts) has one descriptor per key, which the compiler checks. Order: the schema's.
 */
export const platformConfigParts = {
  telegram: telegramConfig,
  slack: slackConfig,
  feishu: feishuConfig,
  wechaty: wechatyConfig,
  wecom: wecomConfig,
  weixin: weixinConfig,
  dingtalk: dingtalkConfig,
  discord: discordConfig,
  qq: qqConfig,
};

type Parts = typeof platformConfigParts;
type UnionToIntersection<U> = (U extends unknown ? (union: U) => void : never) extends (intersection: infer I) => void ? I : never;
type PlatformEnvShape = UnionToIntersection<Parts[keyof Parts]["envShape"]>;

/** The platform variables; `core/config.ts` reads them with the rest. */
export const platformEnvShape = Object.assign({}, ...Object.values(platformConfigParts).map((part) => part.envShape)) as PlatformEnvShape;

export const platformSecretNames = Object.values(platformConfigParts).flatMap((part) => part.secretNames) as readonly (keyof PlatformEnvShape)[];

type PlatformEnv = z.infer<z.ZodObject<PlatformEnvShape>>;

/** The default channel of each platform, from the environment; undefined where the platform is off. */
export type PlatformsConfig = { [Key in keyof Parts]: ReturnType<Parts[Key]["fromEnv"]> };

/** Each platform is on when its credentials are present; a half-configured one stops the start with the variable to fix. */
export function platformsConfig(values: PlatformEnv): PlatformsConfig {
  const entries = Object.entries(platformConfigParts).map(([key, part]) => [key, (part.fromEnv as (all: PlatformEnv) => unknown)(values)]);
  return Object.fromEntries(entries) as PlatformsConfig;
}
