import { z } from "zod";
import { fail, platformConfigPart } from "./fields.ts";

export interface FeishuConfig {
  appId: string;
  appSecret: string;
  /** `feishu`, `lark` or a base URL. */
  domain: string;
  connection: "websocket" | "webhook";
  verificationToken: string | undefined;
  encryptKey: string | undefined;
}

export const feishuConfig = platformConfigPart({
  envShape: {
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
  },
  secretNames: ["FEISHU_APP_SECRET", "FEISHU_VERIFICATION_TOKEN", "FEISHU_ENCRYPT_KEY"],
  fromEnv(values): FeishuConfig | undefined {
    if (Boolean(values.FEISHU_APP_ID) !== Boolean(values.FEISHU_APP_SECRET)) {
      fail(values.FEISHU_APP_ID ? "FEISHU_APP_SECRET: required when FEISHU_APP_ID is set" : "FEISHU_APP_ID: required when FEISHU_APP_SECRET is set");
    }
    if (values.FEISHU_APP_ID && values.FEISHU_CONNECTION === "webhook" && !values.FEISHU_VERIFICATION_TOKEN) {
      fail("FEISHU_VERIFICATION_TOKEN: required when FEISHU_CONNECTION is webhook; expected the token from the app's Event Subscriptions page");
    }
    return values.FEISHU_APP_ID && values.FEISHU_APP_SECRET
      ? {
          appId: values.FEISHU_APP_ID,
          appSecret: values.FEISHU_APP_SECRET,
          domain: values.FEISHU_DOMAIN,
          connection: values.FEISHU_CONNECTION,
          verificationToken: values.FEISHU_VERIFICATION_TOKEN,
          encryptKey: values.FEISHU_ENCRYPT_KEY,
        }
      : undefined;
  },
});
