import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { robotMessage, startDingtalkFake, type DingtalkFake } from "../fakes/dingtalk.ts";
import { dingtalkCredentials, dingtalkEnv } from "../support/dingtalk.ts";
import { scriptedAgent } from "../support/feishu.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

let fake: DingtalkFake | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

/** DingTalk's HTTP-mode signature, written out from its documentation: base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)). */
const sign = (timestamp: string, secret = dingtalkCredentials.clientSecret) => createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");

async function start() {
  fake = await startDingtalkFake(dingtalkCredentials);
  const scripted = scriptedAgent((input) => [`got: ${input.text}`]);
  ({ gateway } = await startTestGateway(dingtalkEnv(fake.origin, { DINGTALK_CONNECTION: "webhook" }), { agent: scripted.agent }));
  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${gateway!.url}webhooks/dingtalk`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return { inputs: scripted.inputs, post };
}

describe("DingTalk HTTP callbacks at POST /webhooks/dingtalk", () => {
  it("answers a signed message once, and a duplicate with 200 without a second answer", async () => {
    const { inputs, post } = await start();
    const body = JSON.stringify(robotMessage(fake!, { msgId: "http-1", text: { content: "over http" } }));
    const timestamp = String(Date.now());
    expect((await post(body, { timestamp, sign: sign(timestamp) })).status).toBe(200);
    expect((await post(body, { timestamp, sign: sign(timestamp) })).status).toBe(200);
    await fake!.waitFor(() => fake!.messages.length === 1);
    await gateway!.pipeline.idle();
    expect(inputs).toHaveLength(1);
    expect(fake!.messages.map((message) => message.text)).toEqual(["got: over http"]);
    // No stream in HTTP mode.
    expect(fake!.calls.some((call) => call.path === "/v1.0/gateway/connections/open")).toBe(false);
  });

  it("refuses a bad signature with 401", async () => {
    const { inputs, post } = await start();
    const timestamp = String(Date.now());
    const body = JSON.stringify(robotMessage(fake!, { msgId: "http-forged" }));
    expect((await post(body, { timestamp, sign: sign(timestamp, "not-the-secret") })).status).toBe(401);
    expect((await post(body, { timestamp })).status).toBe(401);
    await gateway!.pipeline.idle();
    expect(inputs).toHaveLength(0);
  });

  it("refuses a captured signature replayed with another message (the signature covers only the timestamp)", async () => {
    const { inputs, post } = await start();
    const timestamp = String(Date.now());
    const headers = { timestamp, sign: sign(timestamp) };
    expect((await post(JSON.stringify(robotMessage(fake!, { msgId: "http-genuine", text: { content: "genuine" } })), headers)).status).toBe(200);
    expect((await post(JSON.stringify(robotMessage(fake!, { msgId: "http-forged-body", text: { content: "forged" } })), headers)).status).toBe(401);
    await fake!.waitFor(() => fake!.messages.length === 1);
    await gateway!.pipeline.idle();
    expect(inputs.map((input) => input.text)).toEqual(["genuine"]);
  });

  it("refuses a correctly signed but stale timestamp (over an hour old) with 401", async () => {
    const { inputs, post } = await start();
    const timestamp = String(Date.now() - 61 * 60_000);
    const status = (await post(JSON.stringify(robotMessage(fake!, { msgId: "http-stale" })), { timestamp, sign: sign(timestamp) })).status;
    expect(status).toBe(401);
    await gateway!.pipeline.idle();
    expect(inputs).toHaveLength(0);
  });

  it("refuses a signed body that is not JSON, or not a robot message, with 400", async () => {
    const { post } = await start();
    const timestamp = String(Date.now());
    expect((await post("{not json", { timestamp, sign: sign(timestamp) })).status).toBe(400);
    expect((await post(JSON.stringify({ hello: "world" }), { timestamp, sign: sign(timestamp) })).status).toBe(400);
  });
});
