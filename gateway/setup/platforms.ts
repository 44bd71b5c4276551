import type { MessageKey } from "../../core/i18n/catalogue.ts";
import type { PlatformsConfig } from "../../core/config-platforms.ts";

export type PlatformKey = keyof PlatformsConfig;

/** One variable the wizard asks for (a secret through a hidden prompt). */
export interface SetupField {
  name: string;
  isSecret: boolean;
  isOptional?: boolean;
  /** Shown as the answer's default (never for a secret). */
  defaultValue?: string;
}

/** What setup knows of a platform: its steps in the platform's console and the variables to ask for. */
export interface PlatformSetup {
  key: PlatformKey;
  stepsKey: MessageKey;
  fields: readonly SetupField[];
  /** Variables that only point the platform's SDK elsewhere (tests, a proxy): accepted as flags, never asked. */
  endpoints: readonly string[];
}

const secret = (name: string, isOptional = false): SetupField => ({ name, isSecret: true, ...(isOptional ? { isOptional } : {}) });
const value = (name: string, defaultValue?: string): SetupField => ({ name, isSecret: false, ...(defaultValue ? { defaultValue } : {}) });

/** Every platform, in the order the wizard offers them. */
export const platformSetups: readonly PlatformSetup[] = [
  { key: "telegram", stepsKey: "setup.steps.telegram", fields: [secret("TELEGRAM_BOT_TOKEN")], endpoints: ["TELEGRAM_API_ROOT"] },
  { key: "slack", stepsKey: "setup.steps.slack", fields: [secret("SLACK_BOT_TOKEN"), secret("SLACK_APP_TOKEN", true), secret("SLACK_SIGNING_SECRET", true)], endpoints: ["SLACK_API_URL"] },
  { key: "feishu", stepsKey: "setup.steps.feishu", fields: [value("FEISHU_APP_ID"), secret("FEISHU_APP_SECRET"), value("FEISHU_DOMAIN", "feishu")], endpoints: [] },
  { key: "dingtalk", stepsKey: "setup.steps.dingtalk", fields: [value("DINGTALK_CLIENT_ID"), secret("DINGTALK_CLIENT_SECRET")], endpoints: ["DINGTALK_API_BASE"] },
  { key: "qq", stepsKey: "setup.steps.qq", fields: [value("QQ_APP_ID"), secret("QQ_APP_SECRET")], endpoints: ["QQ_API_BASE", "QQ_TOKEN_URL", "QQ_SANDBOX"] },
  { key: "discord", stepsKey: "setup.steps.discord", fields: [secret("DISCORD_BOT_TOKEN")], endpoints: ["DISCORD_API_BASE", "DISCORD_GATEWAY_URL"] },
  { key: "wecom", stepsKey: "setup.steps.wecom", fields: [value("WECOM_BOT_ID"), secret("WECOM_BOT_SECRET")], endpoints: ["WECOM_WS_URL"] },
  { key: "weixin", stepsKey: "setup.steps.weixin", fields: [], endpoints: ["WEIXIN_API_BASE", "WEIXIN_CDN_BASE"] },
  { key: "wechaty", stepsKey: "setup.steps.wechaty", fields: [value("WECHATY_PUPPET", "wechaty-puppet-wechat4u"), secret("WECHATY_PUPPET_TOKEN", true)], endpoints: [] },
];

export const platformSetup = (key: string): PlatformSetup | undefined => platformSetups.find((setup) => setup.key === key);
