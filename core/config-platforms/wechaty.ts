import { z } from "zod";
import { count, fail, platformConfigPart } from "./fields.ts";

export interface WechatyConfig {
  puppet: string;
  puppetToken: string | undefined;
  sendIntervalMs: number;
  sendsPerMinute: number;
  /** Undefined: no notice (WECHAT_WORKING_NOTICE_SEC=0). */
  workingNoticeAfterMs: number | undefined;
}

export const wechatyConfig = platformConfigPart({
  envShape: {
    WECHATY_PUPPET: z.string().min(1).optional(),
    WECHATY_PUPPET_TOKEN: z.string().min(1).optional(),
    /** Outbound pace per chat and per account (risk control), and the "working on it" delay. */
    WECHAT_SEND_INTERVAL_MS: count(0, 60_000, 1000),
    WECHAT_SENDS_PER_MINUTE: count(1, 600, 20),
    WECHAT_WORKING_NOTICE_SEC: count(0, 3600, 8),
  },
  secretNames: ["WECHATY_PUPPET_TOKEN"],
  fromEnv(values): WechatyConfig | undefined {
    if (values.WECHATY_PUPPET_TOKEN && !values.WECHATY_PUPPET) {
      fail("WECHATY_PUPPET: required when WECHATY_PUPPET_TOKEN is set; expected a puppet package name such as wechaty-puppet-service");
    }
    return values.WECHATY_PUPPET
      ? {
          puppet: values.WECHATY_PUPPET,
          puppetToken: values.WECHATY_PUPPET_TOKEN,
          sendIntervalMs: values.WECHAT_SEND_INTERVAL_MS,
          sendsPerMinute: values.WECHAT_SENDS_PER_MINUTE,
          workingNoticeAfterMs: values.WECHAT_WORKING_NOTICE_SEC > 0 ? values.WECHAT_WORKING_NOTICE_SEC * 1000 : undefined,
        }
      : undefined;
  },
});
