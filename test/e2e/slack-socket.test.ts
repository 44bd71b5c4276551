import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../adapters/slack/index.ts";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeSlack, type FakeSlack } from "../fakes/slack-api.ts";
import { slackEvents } from "../fakes/slack-events.ts";
import { eventually } from "../support/eventually.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";
import { silentLogger } from "../support/recording-logger.ts";

let gateway: Gateway | undefined;
let slack: FakeSlack | undefined;
afterEach(async () => {
  await gateway?.stop();
  await slack?.close();
  gateway = undefined;
  slack = undefined;
});


const readiness = async (gateway: Gateway) => (await fetch(`${gateway.url}readyz`)).status;

describe("Slack in Socket Mode, through the gateway", () => {
  it("connects with the app token, acknowledges an event envelope and answers it once, redelivery included", async () => {
    slack = await startFakeSlack();
    ({ gateway } = await startTestGateway(
      { SLACK_BOT_TOKEN: slack.botToken, SLACK_APP_TOKEN: slack.appToken, SLACK_API_URL: slack.apiUrl, PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention" },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }) },
    ));
    const fake = slack;
    const started = gateway;
    await eventually(() => fake.socket.openSockets() === 1);
    expect(fake.calls("apps.connections.open")[0]!.token).toBe(fake.appToken);
    let status = 0;
    for (let tries = 0; tries < 50 && status !== 200; tries += 1) {
      status = await readiness(started);
      if (status !== 200) await sleep(20);
    }
    expect(status).toBe(200);

    const event = slackEvents.im("/echo over the socket");
    const envelopeId = fake.socket.send(event);
    await eventually(() => fake.messages.length > 0);
    await started.pipeline.idle();
    expect(fake.socket.envelopes.find((envelope) => envelope.envelopeId === envelopeId)?.ackedAt).toBeDefined();
    const redelivered = fake.socket.send(event, "events_api", 1);
    await eventually(() => fake.socket.envelopes.find((envelope) => envelope.envelopeId === redelivered)?.ackedAt !== undefined);
    await started.pipeline.idle();
    await sleep(100);
    expect(fake.messages.map((message) => [message.channel, message.text])).toEqual([["D00FAKEDM001", "over the socket"]]);
    expect(fake.socket.strayAcks).toEqual([]);
  });

  it("reconnects after the socket drops and answers the next event; a button click arrives as its command", async () => {
    slack = await startFakeSlack();
    const fake = slack;
    const adapter = createSlackAdapter(
      { botToken: fake.botToken, appToken: fake.appToken, signingSecret: undefined, apiUrl: fake.apiUrl },
      { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
      { apiRetries: 0, clientPingTimeoutMs: 300 },
    );
    ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [adapter] }));
    const started = gateway;
    await eventually(() => adapter.health().state === "ready");

    fake.socket.send(slackEvents.appMention("<@U00FAKEBOT01> /echo before the drop", { ts: "1700000000.000100" }));
    await eventually(() => fake.messages.length === 1);
    expect(fake.messages[0]).toMatchObject({ channel: "C00FAKECHAN1", threadTs: "1700000000.000100", text: "before the drop" });

    fake.socket.drop();
    await eventually(() => adapter.health().state !== "ready", 2000);
    await eventually(() => fake.socket.connections() === 2 && adapter.health().state === "ready", 4000);
    const envelopeId = fake.socket.send(slackEvents.im("/echo after the drop"));
    await eventually(() => fake.messages.length === 2);
    expect(fake.messages[1]).toMatchObject({ channel: "D00FAKEDM001", text: "after the drop" });
    expect(fake.socket.envelopes.find((envelope) => envelope.envelopeId === envelopeId)?.ackedAt).toBeDefined();

    const click = fake.socket.send(slackEvents.blockActions("echo clicked"), "interactive");
    await eventually(() => fake.messages.length === 3);
    expect(fake.messages[2]).toMatchObject({ channel: "D00FAKEDM001", text: "clicked" });
    expect(fake.socket.envelopes.find((envelope) => envelope.envelopeId === click)?.ackedAt).toBeDefined();
    await started.pipeline.idle();
  });
});
