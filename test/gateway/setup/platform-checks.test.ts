import { describe, expect, it } from "vitest";
import { checkPlatform, type Env } from "../../../gateway/setup/check.ts";
import type { PlatformKey } from "../../../gateway/setup/platforms.ts";
import { startFakeDiscord } from "../../fakes/discord.ts";
import { startDingtalkFake } from "../../fakes/dingtalk.ts";
import { fakeAppId, fakeAppSecret, fakeBotOpenId, startFakeOpenPlatform } from "../../fakes/feishu-open-platform.ts";
import { startFakeQq } from "../../fakes/qq.ts";
import { dingtalkCredentials } from "../../support/dingtalk.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

const check = (key: PlatformKey, env: Env, locale: "en" | "zh-CN" = "en") => checkPlatform(key, env, { dataDir: tempDataDir(), locale });

describe("the wizard's live check of each platform, against its fake", () => {
  it("Feishu: a tenant token and the bot's identity; a wrong secret is explained", async () => {
    const feishu = await startFakeOpenPlatform();
    try {
      const good = await check("feishu", { FEISHU_APP_ID: fakeAppId, FEISHU_APP_SECRET: fakeAppSecret, FEISHU_DOMAIN: feishu.origin });
      expect(good).toMatchObject({ isOk: true, detail: expect.stringContaining(fakeBotOpenId) });
      const wrong = await check("feishu", { FEISHU_APP_ID: fakeAppId, FEISHU_APP_SECRET: "wrong-secret", FEISHU_DOMAIN: feishu.origin }, "zh-CN");
      expect(wrong).toEqual({ isOk: false, explanation: "飞书拒绝了 App ID 或 App Secret：请从“凭证与基础信息”重新复制（Lark 应用在 open.larksuite.com）。" });
    } finally {
      await feishu.close();
    }
  });

  it("Discord: /users/@me; a wrong token is explained", async () => {
    const discord = await startFakeDiscord();
    try {
      expect(await check("discord", { DISCORD_BOT_TOKEN: discord.token, DISCORD_API_BASE: discord.apiBase })).toMatchObject({ isOk: true, detail: expect.stringContaining("Message Content intent on") });
      const wrong = await check("discord", { DISCORD_BOT_TOKEN: "wrong-token-000000000000", DISCORD_API_BASE: discord.apiBase });
      expect(wrong).toMatchObject({ isOk: false, explanation: expect.stringContaining("Discord refused the token (401)") });
    } finally {
      await discord.close();
    }
  }, 20_000);

  it("DingTalk and QQ: an access token; wrong secrets are explained", async () => {
    const dingtalk = await startDingtalkFake(dingtalkCredentials);
    const qq = await startFakeQq();
    try {
      const dingtalkEnv = { DINGTALK_CLIENT_ID: dingtalkCredentials.clientId, DINGTALK_CLIENT_SECRET: dingtalkCredentials.clientSecret, DINGTALK_API_BASE: dingtalk.origin };
      expect(await check("dingtalk", dingtalkEnv)).toMatchObject({ isOk: true });
      expect(await check("dingtalk", { ...dingtalkEnv, DINGTALK_CLIENT_SECRET: "wrong-secret-also-fake" })).toMatchObject({ isOk: false, explanation: expect.stringContaining("DingTalk refused the Client ID or Client Secret") });
      const qqEnv = { QQ_APP_ID: qq.appId, QQ_APP_SECRET: qq.appSecret, QQ_API_BASE: qq.origin, QQ_TOKEN_URL: qq.tokenUrl };
      expect(await check("qq", qqEnv)).toMatchObject({ isOk: true });
      expect(await check("qq", { ...qqEnv, QQ_APP_SECRET: "not-the-secret" })).toMatchObject({ isOk: false, explanation: expect.stringContaining("IP whitelist") });
    } finally {
      await dingtalk.close();
      await qq.close();
    }
  }, 20_000);
});
