import { describe, expect, it } from "vitest";
import { BridgeError } from "../../../core/types/errors.ts";
import { explain } from "../../../gateway/setup/check.ts";

describe("a failed check, in words a newcomer can act on", () => {
  it("names the scope a Feishu app lacks", () => {
    const error = new BridgeError("bad-input", "bot/v3/info failed (code 99991672) [HTTP 400]: Access denied. One of the following scopes is required: [im:message, im:message:send_as_bot].");
    expect(explain("feishu", error, "en")).toBe("The app lacks the im:message scope: add it in the platform's console (permissions/scopes), publish or reinstall the app, and try again.");
    expect(explain("feishu", error, "zh-CN")).toContain("应用缺少 im:message 权限");
  });

  it("says which credentials each platform refused", () => {
    const refused = new BridgeError("unauthorized", "refused");
    expect(explain("telegram", refused, "en")).toContain("it was revoked or mistyped");
    expect(explain("discord", refused, "en")).toContain("the client secret is not the bot token");
    expect(explain("qq", refused, "en")).toContain("IP whitelist");
    expect(explain("slack", new BridgeError("unauthorized", "Slack auth.test: token_revoked"), "en")).toContain("(token_revoked)");
  });

  it("tells an unreachable service from a refused one, and a malformed value from both", () => {
    expect(explain("dingtalk", new BridgeError("upstream", "token: DingTalk could not be reached"), "en")).toMatch(/^The service could not be reached/);
    expect(explain("telegram", new BridgeError("config", "TELEGRAM_BOT_TOKEN: expected a bot token from BotFather, like 123456:ABC-def"), "en")).toBe(
      "That does not look right: TELEGRAM_BOT_TOKEN: expected a bot token from BotFather, like 123456:ABC-def",
    );
  });
});
