import { z } from "zod";
import { fail, optionalUrl, platformConfigPart, urlWithDefault } from "./fields.ts";

/** The official QQ bot (QQ open platform): C2C chats, groups, guild channels and their DMs. */
export interface QqConfig {
  appId: string;
  appSecret: string;
  connection: "webhook" | "websocket";
  isSandbox: boolean;
  /** The bot has markdown permission: answers go as msg_type 2; otherwise as plain text. */
  hasMarkdown: boolean;
  /**
   * The bot may attach buttons (a keyboard, msg-btn.md) to its markdown messages: approvals are callback buttons,
   * pressed in C2C and groups and answered from INTERACTION_CREATE; otherwise they are typed.
   */
  hasKeyboard: boolean;
  /** The OpenAPI: QQ_API_BASE, else the sandbox or the production host. */
  apiBase: string;
  tokenUrl: string;
}

const flag = (name: string) =>
  z.enum(["true", "false"], { error: `expected "true" or "false" for ${name}` }).default("false").transform((value) => value === "true");

export const qqConfig = platformConfigPart({
  envShape: {
    QQ_APP_ID: z.string().regex(/^\d+$/, { error: "expected the bot's numeric AppID" }).optional(),
    QQ_APP_SECRET: z.string().min(1).optional(),
    QQ_CONNECTION: z.enum(["webhook", "websocket"], { error: "expected webhook or websocket" }).default("webhook"),
    QQ_SANDBOX: flag("QQ_SANDBOX"),
    QQ_MARKDOWN: flag("QQ_MARKDOWN"),
    QQ_KEYBOARD: flag("QQ_KEYBOARD"),
    QQ_API_BASE: optionalUrl,
    QQ_TOKEN_URL: urlWithDefault("https://bots.qq.com/app/getAppAccessToken"),
  },
  secretNames: ["QQ_APP_SECRET"],
  fromEnv(values): QqConfig | undefined {
    if (Boolean(values.QQ_APP_ID) !== Boolean(values.QQ_APP_SECRET)) {
      fail(values.QQ_APP_ID ? "QQ_APP_SECRET: required when QQ_APP_ID is set" : "QQ_APP_ID: required when QQ_APP_SECRET is set");
    }
    if (!values.QQ_APP_ID || !values.QQ_APP_SECRET) return undefined;
    if (values.QQ_KEYBOARD && !values.QQ_MARKDOWN) fail("QQ_KEYBOARD: needs QQ_MARKDOWN=true too (QQ attaches buttons to markdown messages)");
    return {
      appId: values.QQ_APP_ID,
      appSecret: values.QQ_APP_SECRET,
      connection: values.QQ_CONNECTION,
      isSandbox: values.QQ_SANDBOX,
      hasMarkdown: values.QQ_MARKDOWN,
      hasKeyboard: values.QQ_KEYBOARD,
      apiBase: values.QQ_API_BASE ?? (values.QQ_SANDBOX ? "https://sandbox.api.sgroup.qq.com" : "https://api.sgroup.qq.com"),
      tokenUrl: values.QQ_TOKEN_URL,
    };
  },
});
