import { z } from "zod";
import { fail, platformConfigPart, wsUrlWithDefault } from "./fields.ts";

export interface WecomConfig {
  botId: string;
  botSecret: string;
  wsUrl: string;
}

export const wecomConfig = platformConfigPart({
  envShape: {
    WECOM_BOT_ID: z.string().min(1).optional(),
    WECOM_BOT_SECRET: z.string().min(1).optional(),
    WECOM_WS_URL: wsUrlWithDefault("wss://openws.work.weixin.qq.com"),
  },
  secretNames: ["WECOM_BOT_SECRET"],
  fromEnv(values): WecomConfig | undefined {
    if (Boolean(values.WECOM_BOT_ID) !== Boolean(values.WECOM_BOT_SECRET)) {
      fail(values.WECOM_BOT_ID ? "WECOM_BOT_SECRET: required when WECOM_BOT_ID is set" : "WECOM_BOT_ID: required when WECOM_BOT_SECRET is set");
    }
    return values.WECOM_BOT_ID && values.WECOM_BOT_SECRET
      ? { botId: values.WECOM_BOT_ID, botSecret: values.WECOM_BOT_SECRET, wsUrl: values.WECOM_WS_URL }
      : undefined;
  },
});
