import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { platformSecretNames } from "../../core/config-platforms.ts";
import { BridgeError } from "../../core/types/errors.ts";

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(BridgeError);
    return (error as BridgeError).message;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("DingTalk configuration", () => {
  it("is off without credentials, and on with both, in Stream mode against api.dingtalk.com by default", () => {
    expect(loadConfig({}).platforms.dingtalk).toBeUndefined();
    expect(loadConfig({ DINGTALK_CLIENT_ID: "dingfake", DINGTALK_CLIENT_SECRET: "fake-secret" }).platforms.dingtalk).toEqual({
      clientId: "dingfake",
      clientSecret: "fake-secret",
      cardTemplateId: undefined,
      apiBase: "https://api.dingtalk.com",
      connection: "stream",
    });
  });

  it("refuses half a configuration or a wrong mode, naming the variable, and keeps the secret out of logs", () => {
    expect(configError({ DINGTALK_CLIENT_ID: "dingfake" })).toMatch(/^DINGTALK_CLIENT_SECRET: required/);
    expect(configError({ DINGTALK_CLIENT_SECRET: "s" })).toMatch(/^DINGTALK_CLIENT_ID: required/);
    expect(configError({ DINGTALK_CLIENT_ID: "d", DINGTALK_CLIENT_SECRET: "s", DINGTALK_CONNECTION: "http" })).toMatch(/DINGTALK_CONNECTION/);
    expect(configError({ DINGTALK_CLIENT_ID: "d", DINGTALK_CLIENT_SECRET: "s", DINGTALK_API_BASE: "not a url" })).toMatch(/DINGTALK_API_BASE/);
    expect(platformSecretNames).toContain("DINGTALK_CLIENT_SECRET");
  });
});
