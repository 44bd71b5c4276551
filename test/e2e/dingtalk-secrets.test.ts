import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { robotMessage, startDingtalkFake, type DingtalkFake } from "../fakes/dingtalk.ts";
import { dingtalkCredentials, dingtalkEnv } from "../support/dingtalk.ts";
import { eventually } from "../support/eventually.ts";
import { scriptedAgent } from "../support/feishu.ts";
import { startTestGateway } from "../support/web-chat-client.ts";

let fake: DingtalkFake | undefined;
let gateway: Gateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

/** The session webhooks the messages carried: each URL is a credential for its chat for 90 minutes. */
const webhooks: string[] = [];
const message = (overrides: Record<string, unknown> & { msgId: string }) => {
  const payload = robotMessage(fake!, overrides);
  webhooks.push(String(payload.sessionWebhook));
  return payload;
};

const textsIn = (chatId: string) => fake!.messages.filter((message) => message.chatId === chatId).map((message) => message.text);

describe("DingTalk's secrets stay out of the log", () => {
  it("at debug level, through answers, a refused and renewed access token, failed sends and a reconnect", async () => {
    fake = await startDingtalkFake({ ...dingtalkCredentials });
    const { agent } = scriptedAgent((input) => [`answer to ${input.text}`]);
    const started = await startTestGateway(dingtalkEnv(fake.origin, { LOG_LEVEL: "debug" }), { agent });
    gateway = started.gateway;
    await fake.waitFor(() => fake!.socketCount === 1);

    // Through the session webhook, then through the OpenAPI with an access token.
    fake.pushMessage(message({ msgId: "secret-1", text: { content: "one" } }));
    await eventually(() => textsIn("manager4520").includes("answer to one"), 5000);
    const expired = Date.now() - 1000;
    fake.pushMessage(message({ msgId: "secret-2", text: { content: "two" }, sessionWebhookExpiredTime: expired }));
    await eventually(() => textsIn("manager4520").includes("answer to two"), 5000);

    // The token is refused (expired early): renewed and the send goes again; then a send fails outright and is retried.
    fake.expireTokens();
    fake.failNext("/v1.0/robot/oToMessages/batchSend", 500, { code: "ServiceUnavailable", message: "try again" });
    fake.pushMessage(message({ msgId: "secret-3", text: { content: "three" }, sessionWebhookExpiredTime: expired }));
    await eventually(() => textsIn("manager4520").includes("answer to three"), 10_000);
    expect(fake.tokens.length).toBeGreaterThanOrEqual(2);

    // The token endpoint fails once, and the stream is cut: a new connection needs the secret and a new ticket.
    fake.expireTokens();
    fake.failNext("/v1.0/oauth2/accessToken", 500, { code: "ServiceUnavailable", message: "try again" });
    fake.dropConnections();
    await fake.waitFor(() => fake!.openedCount >= 2 && fake!.socketCount === 1, 15_000);
    fake.pushMessage(message({ msgId: "secret-4", text: { content: "four" }, sessionWebhookExpiredTime: expired }));
    await eventually(() => textsIn("manager4520").includes("answer to four"), 15_000);
    await gateway.pipeline.idle();

    const log = started.log.lines.join("\n");
    // The reconnect was logged (so failures are written, and this test reads what was written).
    expect(started.log.find({ level: "warn", message: /reconnecting/ })).toBeDefined();
    const secrets = [dingtalkCredentials.clientSecret, ...fake.tokens, ...fake.tickets, ...webhooks.map((url) => new URL(url).searchParams.get("session")!)];
    expect(secrets.length).toBeGreaterThanOrEqual(9);
    for (const secret of secrets) expect(log, `${secret} is in the log`).not.toContain(secret);
  }, 40_000);
});
