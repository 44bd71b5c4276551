import type { Env } from "../../core/config.ts";

export const dingtalkCredentials = { clientId: "dingfakeclientid", clientSecret: "fake-dingtalk-secret-not-real" };

export function dingtalkEnv(apiBase: string, extra: Env = {}): Env {
  return {
    DINGTALK_CLIENT_ID: dingtalkCredentials.clientId,
    DINGTALK_CLIENT_SECRET: dingtalkCredentials.clientSecret,
    DINGTALK_API_BASE: apiBase,
    PINCER_DM_POLICY: "open",
    PINCER_GROUP_POLICY: "mention",
    ...extra,
  };
}
