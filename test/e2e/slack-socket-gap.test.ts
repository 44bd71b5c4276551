import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { createSlackAdapter } from "../../adapters/slack/index.ts";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { ChannelState } from "../../core/types/adapter.ts";
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


async function startSlack(fake: FakeSlack, options: { helloTimeoutMs?: number } = {}) {
  const adapter = createSlackAdapter(
    { botToken: fake.botToken, appToken: fake.appToken, signingSecret: undefined, apiUrl: fake.apiUrl },
    { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
    { apiRetries: 0, clientPingTimeoutMs: 300, ...options },
  );
  ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [adapter] }));
  const states: ChannelState[] = [];
  const sample = () => {
    const state = adapter.health().state;
    if (states.at(-1) !== state) states.push(state);
  };
  const watch = setInterval(sample, 10);
  return {
    adapter,
    gateway: gateway!,
    states,
    stopWatching: () => {
      clearInterval(watch);
      sample();
    },
  };
}

describe("Slack Socket Mode that goes quiet", () => {
  it("notices a connection that stops answering, shows the channel degraded on /readyz, and replaces it", async () => {
    slack = await startFakeSlack();
    const fake = slack;
    const { adapter, gateway: started, states, stopWatching } = await startSlack(fake);
    await eventually(() => adapter.health().state === "ready");

    fake.socket.silenceOpen();
    await eventually(() => adapter.health().state === "degraded", 3000);
    expect((await fetch(`${started.url}readyz`)).status).toBe(503);
    await eventually(() => fake.socket.connections() === 2 && adapter.health().state === "ready", 5000);
    stopWatching();
    expect(states.slice(states.indexOf("ready"))).toEqual(["ready", "degraded", "ready"]);

    fake.socket.send(slackEvents.im("/echo on the new connection"));
    await eventually(() => fake.messages.length === 1);
    expect(fake.messages[0]).toMatchObject({ channel: "D00FAKEDM001", text: "on the new connection" });
    await started.pipeline.idle();
  });

  it("replaces a connection that answers pings but never says hello", async () => {
    slack = await startFakeSlack();
    const fake = slack;
    fake.socket.setSilent("no-hello");
    const { adapter, stopWatching } = await startSlack(fake, { helloTimeoutMs: 500 });
    await eventually(() => fake.socket.connections() === 1);
    fake.socket.setSilent(false);
    await eventually(() => fake.socket.connections() === 2 && adapter.health().state === "ready", 5000);
    stopWatching();
  });
});

describe("Slack messages sent while the socket was down", () => {
  it("are fetched from conversations.history after the reconnect and answered once", async () => {
    slack = await startFakeSlack();
    const fake = slack;
    const { adapter, gateway: started, stopWatching } = await startSlack(fake);
    stopWatching();
    await eventually(() => adapter.health().state === "ready");
    fake.socket.send(slackEvents.im("/echo before the gap"));
    fake.socket.send(slackEvents.appMention("<@U00FAKEBOT01> /echo channel before the gap"));
    await eventually(() => fake.messages.length === 2);
    await started.pipeline.idle();

    fake.socket.drop();
    const missedDm = slackEvents.im("/echo sent during the gap");
    const missedMention = slackEvents.channelMessage("<@U00FAKEBOT01> /echo mention during the gap");
    fake.sayWhileAway(missedDm);
    fake.sayWhileAway(missedMention);
    await eventually(() => fake.socket.connections() === 2 && adapter.health().state === "ready", 5000);
    await eventually(() => fake.messages.length === 4, 5000);
    // Slack delivering one of them late as well changes nothing: the inbox already has it.
    fake.socket.send(missedDm, "events_api", 1);
    await sleep(200);
    await started.pipeline.idle();

    expect(fake.calls("conversations.history").map((call) => call.params.channel).sort()).toEqual(["C00FAKECHAN1", "D00FAKEDM001"]);
    const answers = fake.messages.map((message) => `${message.channel} ${message.text}`);
    expect(answers.slice(0, 2)).toEqual(["D00FAKEDM001 before the gap", "C00FAKECHAN1 channel before the gap"]);
    expect(answers.slice(2).sort()).toEqual(["C00FAKECHAN1 mention during the gap", "D00FAKEDM001 sent during the gap"]);
    const mentionTs = String(missedMention.event.event_ts);
    expect(fake.messages.find((message) => message.text === "mention during the gap")?.threadTs).toBe(mentionTs);
  });
});
