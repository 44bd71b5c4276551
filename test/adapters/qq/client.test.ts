import { afterEach, describe, expect, it } from "vitest";
import { createQqClient } from "../../../adapters/qq/client.ts";
import { probeQq } from "../../../adapters/qq/probe.ts";
import { startFakeQq, type FakeQq } from "../../fakes/qq.ts";

let fake: FakeQq | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const clientFor = (qq: FakeQq, now: () => number = Date.now) =>
  createQqClient({ appId: qq.appId, appSecret: qq.appSecret, apiBase: qq.origin, tokenUrl: qq.tokenUrl, now });

describe("the QQ OpenAPI client", () => {
  it("fetches the access token with appId and clientSecret and sends it as QQBot <token>", async () => {
    fake = await startFakeQq();
    const me = await clientFor(fake).me();
    expect(me.id).toBe(fake.botId);
    expect(fake.tokenRequests).toEqual([{ appId: fake.appId, clientSecret: fake.appSecret }]);
  });

  it("renews the token a minute before it expires, not on every call", async () => {
    fake = await startFakeQq({ tokenTtlSec: 7200 });
    let clock = 1_000_000;
    const client = clientFor(fake, () => clock);
    await client.me();
    await client.me();
    expect(fake.tokenRequests).toHaveLength(1);
    clock += 7200_000 - 59_000;
    await client.me();
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it("fetches a new token once when QQ answers 401", async () => {
    fake = await startFakeQq();
    const client = clientFor(fake);
    await client.me();
    fake.expireTokens();
    await client.me();
    expect(fake.tokenRequests).toHaveLength(2);
  });

  it("names the variables to check when the token is refused", async () => {
    fake = await startFakeQq();
    const client = createQqClient({ appId: fake.appId, appSecret: "wrong-secret", apiBase: fake.origin, tokenUrl: fake.tokenUrl });
    await expect(client.me()).rejects.toThrow(/QQ_APP_ID and QQ_APP_SECRET/);
  });

  it("lets doctor report the bot's identity", async () => {
    fake = await startFakeQq();
    const line = await probeQq({ appId: fake.appId, appSecret: fake.appSecret, connection: "webhook", isSandbox: false, hasMarkdown: false, hasKeyboard: false, apiBase: fake.origin, tokenUrl: fake.tokenUrl });
    expect(line).toContain(`PincerFakeBot (${fake.botId})`);
    expect(line).not.toContain(fake.appSecret);
  });
});
