import { z } from "zod";
import { BridgeError } from "./types/errors.ts";

const optionalUrl = z.url({ error: "expected an http(s) URL" }).optional();
const urlWithDefault = (fallback: string) => z.url({ error: "expected an http(s) URL" }).default(fallback);
const wsUrlWithDefault = (fallback: string) =>
  z.string().regex(/^wss?:\/\/\S+$/, { error: "expected a ws:// or wss:// URL" }).default(fallback);
const count = (min: number, max: number, fallback: number) => {
  const expectation = { error: `expected an integer from ${min} to ${max}` };
  return z.coerce.number(expectation).int(expectation).min(min, expectation).max(max, expectation).default(fallback);
};

/** The platform variables; `core/config.ts` reads them with the rest. */
export const platformEnvShape = {
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, { error: "expected a bot token from BotFather, like 123456:ABC-def" }).optional(),
  TELEGRAM_API_ROOT: urlWithDefault("https://api.telegram.org"),
  TELEGRAM_WEBHOOK_SECRET: z
    .string()
    .regex(/^[\w-]{32,256}$/, { error: "expected 32 to 256 characters from A-Z, a-z, 0-9, _ and - (for example: openssl rand -hex 32)" })
    .optional(),
  TELEGRAM_WEBHOOK_URL: optionalUrl,

  SLACK_BOT_TOKEN: z.string().startsWith("xoxb-", { error: "expected a bot token starting with xoxb-" }).optional(),
  SLACK_APP_TOKEN: z.string().startsWith("xapp-", { error: "expected an app-level token starting with xapp-" }).optional(),
  SLACK_SIGNING_SECRET: z.string().min(8, { error: "expected the app's signing secret" }).optional(),
  SLACK_API_URL: urlWithDefault("https://slack.com/api/"),

  FEISHU_APP_ID: z.string().min(1).optional(),
  FEISHU_APP_SECRET: z.string().min(1).optional(),
  FEISHU_DOMAIN: z
    .string()
    .refine((value) => value === "feishu" || value === "lark" || /^https?:\/\/\S+$/.test(value), {
      error: "expected feishu, lark or a base URL",
    })
    .default("feishu"),
  FEISHU_CONNECTION: z.enum(["websocket", "webhook"], { error: "expected websocket or webhook" }).default("websocket"),
  FEISHU_VERIFICATION_TOKEN: z.string().min(1).optional(),
  FEISHU_ENCRYPT_KEY: z.string().min(1).optional(),

  WECHATY_PUPPET: z.string().min(1).optional(),
  WECHATY_PUPPET_TOKEN: z.string().min(1).optional(),
  /** Outbound pace per chat and per account (risk control), and the "working on it" delay. */
  WECHAT_SEND_INTERVAL_MS: count(0, 60_000, 1000),
  WECHAT_SENDS_PER_MINUTE: count(1, 600, 20),
  WECHAT_WORKING_NOTICE_SEC: count(0, 3600, 8),

  WECOM_BOT_ID: z.string().min(1).optional(),
  WECOM_BOT_SECRET: z.string().min(1).optional(),
  WECOM_WS_URL: wsUrlWithDefault("wss://openws.work.weixin.qq.com"),

  WEIXIN_API_BASE: urlWithDefault("https://ilinkai.weixin.qq.com"),
  WEIXIN_CDN_BASE: urlWithDefault("https://novac2c.cdn.weixin.qq.com/c2c"),
  /** The reply window of ClawBot: how long a context token may be used, and how many sends one inbound message allows. */
  WEIXIN_CONTEXT_TOKEN_TTL_SEC: count(10, 86_400, 240),
  WEIXIN_SENDS_PER_MESSAGE: count(1, 100, 10),
};

export const platformSecretNames = [
  "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET",
  "FEISHU_APP_SECRET", "FEISHU_VERIFICATION_TOKEN", "FEISHU_ENCRYPT_KEY", "WECHATY_PUPPET_TOKEN", "WECOM_BOT_SECRET",
] as const;

const platformEnvSchema = z.object(platformEnvShape);
type PlatformEnv = z.infer<typeof platformEnvSchema>;

export interface TelegramConfig {
  botToken: string;
  apiRoot: string;
  /** Set (or generated in DATA_DIR when only webhookUrl is set): webhook mode at POST /webhooks/telegram; unset: long polling. */
  webhookSecret: string | undefined;
  /** The public URL of /webhooks/telegram; when set, `setWebhook` is called at start. */
  webhookUrl: string | undefined;
}

export interface SlackConfig {
  botToken: string;
  /** Set: Socket Mode; unset: the Events API at POST /webhooks/slack/events. */
  appToken: string | undefined;
  signingSecret: string | undefined;
  apiUrl: string;
}

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  /** `feishu`, `lark` or a base URL. */
  domain: string;
  connection: "websocket" | "webhook";
  verificationToken: string | undefined;
  encryptKey: string | undefined;
}

export interface WechatyConfig {
  puppet: string;
  puppetToken: string | undefined;
  sendIntervalMs: number;
  sendsPerMinute: number;
  /** Undefined: no notice (WECHAT_WORKING_NOTICE_SEC=0). */
  workingNoticeAfterMs: number | undefined;
}

export interface WecomConfig {
  botId: string;
  botSecret: string;
  wsUrl: string;
}

/** ClawBot starts when `pincer weixin login` has stored a login in DATA_DIR; these are its endpoints and limits. */
export interface WeixinConfig {
  apiBase: string;
  cdnBase: string;
  contextTokenTtlMs: number;
  sendsPerMessage: number;
}

export interface PlatformsConfig {
  telegram: TelegramConfig | undefined;
  slack: SlackConfig | undefined;
  feishu: FeishuConfig | undefined;
  wechaty: WechatyConfig | undefined;
  wecom: WecomConfig | undefined;
  weixin: WeixinConfig;
}

const fail = (message: string): never => {
  throw new BridgeError("config", message);
};

/** Each platform is on when its credentials are present; a half-configured one stops the start with the variable to fix. */
export function platformsConfig(values: PlatformEnv): PlatformsConfig {
  const slackMode = values.SLACK_APP_TOKEN ? "socket" : "events";
  if (values.SLACK_BOT_TOKEN && slackMode === "events" && !values.SLACK_SIGNING_SECRET) {
    fail("SLACK_SIGNING_SECRET: required for the Events API (or set SLACK_APP_TOKEN for Socket Mode)");
  }
  if (!values.SLACK_BOT_TOKEN && (values.SLACK_APP_TOKEN || values.SLACK_SIGNING_SECRET)) {
    fail("SLACK_BOT_TOKEN: required when SLACK_APP_TOKEN or SLACK_SIGNING_SECRET is set; expected a token starting with xoxb-");
  }
  if (Boolean(values.FEISHU_APP_ID) !== Boolean(values.FEISHU_APP_SECRET)) {
    fail(values.FEISHU_APP_ID ? "FEISHU_APP_SECRET: required when FEISHU_APP_ID is set" : "FEISHU_APP_ID: required when FEISHU_APP_SECRET is set");
  }
  if (values.FEISHU_APP_ID && values.FEISHU_CONNECTION === "webhook" && !values.FEISHU_VERIFICATION_TOKEN) {
    fail("FEISHU_VERIFICATION_TOKEN: required when FEISHU_CONNECTION is webhook; expected the token from the app's Event Subscriptions page");
  }
  if (Boolean(values.WECOM_BOT_ID) !== Boolean(values.WECOM_BOT_SECRET)) {
    fail(values.WECOM_BOT_ID ? "WECOM_BOT_SECRET: required when WECOM_BOT_ID is set" : "WECOM_BOT_ID: required when WECOM_BOT_SECRET is set");
  }
  if (values.WECHATY_PUPPET_TOKEN && !values.WECHATY_PUPPET) {
    fail("WECHATY_PUPPET: required when WECHATY_PUPPET_TOKEN is set; expected a puppet package name such as wechaty-puppet-service");
  }
  return {
    telegram: values.TELEGRAM_BOT_TOKEN
      ? {
          botToken: values.TELEGRAM_BOT_TOKEN,
          apiRoot: values.TELEGRAM_API_ROOT,
          webhookSecret: values.TELEGRAM_WEBHOOK_SECRET,
          webhookUrl: values.TELEGRAM_WEBHOOK_URL,
        }
      : undefined,
    slack: values.SLACK_BOT_TOKEN
      ? { botToken: values.SLACK_BOT_TOKEN, appToken: values.SLACK_APP_TOKEN, signingSecret: values.SLACK_SIGNING_SECRET, apiUrl: values.SLACK_API_URL }
      : undefined,
    feishu:
      values.FEISHU_APP_ID && values.FEISHU_APP_SECRET
        ? {
            appId: values.FEISHU_APP_ID,
            appSecret: values.FEISHU_APP_SECRET,
            domain: values.FEISHU_DOMAIN,
            connection: values.FEISHU_CONNECTION,
            verificationToken: values.FEISHU_VERIFICATION_TOKEN,
            encryptKey: values.FEISHU_ENCRYPT_KEY,
          }
        : undefined,
    wechaty: values.WECHATY_PUPPET
      ? {
          puppet: values.WECHATY_PUPPET,
          puppetToken: values.WECHATY_PUPPET_TOKEN,
          sendIntervalMs: values.WECHAT_SEND_INTERVAL_MS,
          sendsPerMinute: values.WECHAT_SENDS_PER_MINUTE,
          workingNoticeAfterMs: values.WECHAT_WORKING_NOTICE_SEC > 0 ? values.WECHAT_WORKING_NOTICE_SEC * 1000 : undefined,
        }
      : undefined,
    wecom:
      values.WECOM_BOT_ID && values.WECOM_BOT_SECRET
        ? { botId: values.WECOM_BOT_ID, botSecret: values.WECOM_BOT_SECRET, wsUrl: values.WECOM_WS_URL }
        : undefined,
    weixin: {
      apiBase: values.WEIXIN_API_BASE,
      cdnBase: values.WEIXIN_CDN_BASE,
      contextTokenTtlMs: values.WEIXIN_CONTEXT_TOKEN_TTL_SEC * 1000,
      sendsPerMessage: values.WEIXIN_SENDS_PER_MESSAGE,
    },
  };
}
