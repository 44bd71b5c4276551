import { z } from "zod";
import { fail, platformConfigPart, urlWithDefault } from "./fields.ts";

export interface DingtalkConfig {
  /** The app's AppKey (Client ID); also the robot code of an internal app's robot. */
  clientId: string;
  clientSecret: string;
  /** An AI card template: answers stream into one card. Unset: markdown messages. */
  cardTemplateId: string | undefined;
  /** The OpenAPI base (`/v1.0/oauth2/accessToken`, `/v1.0/gateway/connections/open`, robot and card APIs). */
  apiBase: string;
  /** `stream` (the default: a long connection, no public URL) or `webhook` (`POST /webhooks/dingtalk`). */
  connection: "stream" | "webhook";
}

export const dingtalkConfig = platformConfigPart({
  envShape: {
    DINGTALK_CLIENT_ID: z.string().min(1).optional(),
    DINGTALK_CLIENT_SECRET: z.string().min(1).optional(),
    DINGTALK_CARD_TEMPLATE_ID: z.string().min(1).optional(),
    DINGTALK_API_BASE: urlWithDefault("https://api.dingtalk.com"),
    DINGTALK_CONNECTION: z.enum(["stream", "webhook"], { error: "expected stream or webhook" }).default("stream"),
  },
  secretNames: ["DINGTALK_CLIENT_SECRET"],
  fromEnv(values): DingtalkConfig | undefined {
    if (Boolean(values.DINGTALK_CLIENT_ID) !== Boolean(values.DINGTALK_CLIENT_SECRET)) {
      fail(
        values.DINGTALK_CLIENT_ID
          ? "DINGTALK_CLIENT_SECRET: required when DINGTALK_CLIENT_ID is set (the app's AppSecret)"
          : "DINGTALK_CLIENT_ID: required when DINGTALK_CLIENT_SECRET is set (the app's AppKey)",
      );
    }
    return values.DINGTALK_CLIENT_ID && values.DINGTALK_CLIENT_SECRET
      ? {
          clientId: values.DINGTALK_CLIENT_ID,
          clientSecret: values.DINGTALK_CLIENT_SECRET,
          cardTemplateId: values.DINGTALK_CARD_TEMPLATE_ID,
          apiBase: values.DINGTALK_API_BASE.replace(/\/+$/, ""),
          connection: values.DINGTALK_CONNECTION,
        }
      : undefined;
  },
});
