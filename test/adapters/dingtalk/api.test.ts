import { afterEach, describe, expect, it } from "vitest";
import { createDingtalkApi } from "../../../adapters/dingtalk/api.ts";
import { BridgeError } from "../../../core/types/errors.ts";
import { startDingtalkFake, type DingtalkFake } from "../../fakes/dingtalk.ts";
import { dingtalkCredentials } from "../../support/dingtalk.ts";

let fake: DingtalkFake | undefined;
afterEach(async () => {
  await fake?.close();
});

describe("DingTalk access token", () => {
  it("is fetched once for many callers, kept while fresh and renewed five minutes before it expires", async () => {
    fake = await startDingtalkFake({ ...dingtalkCredentials, tokenExpireSec: 7200 });
    let nowMs = 1_000_000;
    const api = createDingtalkApi({ ...dingtalkCredentials, apiBase: fake.origin }, { now: () => nowMs });
    expect(await Promise.all([api.token(), api.token(), api.token()])).toEqual(["fake-token-1", "fake-token-1", "fake-token-1"]);
    expect(fake.calls.filter((call) => call.path === "/v1.0/oauth2/accessToken").map((call) => call.body)).toEqual([
      { appKey: dingtalkCredentials.clientId, appSecret: dingtalkCredentials.clientSecret },
    ]);
    nowMs += (7200 - 5 * 60) * 1000 - 1;
    expect(await api.token()).toBe("fake-token-1");
    nowMs += 2;
    expect(await api.token()).toBe("fake-token-2");
  });

  it("a refused token is dropped and the call made once more with a new one; a second refusal is an error", async () => {
    fake = await startDingtalkFake(dingtalkCredentials);
    const api = createDingtalkApi({ ...dingtalkCredentials, apiBase: fake.origin });
    await api.call("POST", "/v1.0/robot/oToMessages/batchSend", { robotCode: "r", userIds: ["u"], msgKey: "sampleMarkdown", msgParam: "{}" });
    fake.expireTokens();
    await api.call("POST", "/v1.0/robot/oToMessages/batchSend", { robotCode: "r", userIds: ["u"], msgKey: "sampleMarkdown", msgParam: "{}" });
    expect(fake.tokens).toEqual(["fake-token-1", "fake-token-2"]);
    fake.failNext("/v1.0/robot/oToMessages/batchSend", 401, { code: "InvalidAuthentication" });
    fake.failNext("/v1.0/robot/oToMessages/batchSend", 401, { code: "InvalidAuthentication" });
    await expect(api.call("POST", "/v1.0/robot/oToMessages/batchSend", {})).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("throttling becomes a retryable rate-limited error; wrong credentials name the variables, never the secret", async () => {
    fake = await startDingtalkFake(dingtalkCredentials);
    const api = createDingtalkApi({ ...dingtalkCredentials, apiBase: fake.origin });
    fake.failNext("/v1.0/robot/groupMessages/send", 429, { code: "Throttling.Api", message: "throttled" });
    const throttled = await api.call("POST", "/v1.0/robot/groupMessages/send", {}).catch((error: unknown) => error);
    expect(throttled).toBeInstanceOf(BridgeError);
    expect(throttled).toMatchObject({ code: "rate-limited", retryAfterMs: 1000 });
    const wrong = createDingtalkApi({ ...dingtalkCredentials, clientSecret: "wrong-secret-fake", apiBase: fake.origin });
    const refused = (await wrong.token().catch((error: unknown) => error)) as BridgeError;
    expect(refused.code).toBe("unauthorized");
    expect(refused.message).toMatch(/DINGTALK_CLIENT_SECRET/);
    expect(refused.message).not.toContain("wrong-secret-fake");
  });
});
