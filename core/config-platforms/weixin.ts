import { count, platformConfigPart, urlWithDefault } from "./fields.ts";

/** ClawBot starts when `pincer weixin login` has stored a login in DATA_DIR; these are its endpoints and limits. */
export interface WeixinConfig {
  apiBase: string;
  cdnBase: string;
  contextTokenTtlMs: number;
  sendsPerMessage: number;
}

export const weixinConfig = platformConfigPart({
  envShape: {
    WEIXIN_API_BASE: urlWithDefault("https://ilinkai.weixin.qq.com"),
    WEIXIN_CDN_BASE: urlWithDefault("https://novac2c.cdn.weixin.qq.com/c2c"),
    /** The reply window of ClawBot: how long a context token may be used, and how many sends one inbound message allows. */
    WEIXIN_CONTEXT_TOKEN_TTL_SEC: count(10, 86_400, 240),
    WEIXIN_SENDS_PER_MESSAGE: count(1, 100, 10),
  },
  secretNames: [],
  // Always present: whether ClawBot runs depends on a stored login, which its adapter reads.
  fromEnv: (values): WeixinConfig => ({
    apiBase: values.WEIXIN_API_BASE,
    cdnBase: values.WEIXIN_CDN_BASE,
    contextTokenTtlMs: values.WEIXIN_CONTEXT_TOKEN_TTL_SEC * 1000,
    sendsPerMessage: values.WEIXIN_SENDS_PER_MESSAGE,
  }),
});
