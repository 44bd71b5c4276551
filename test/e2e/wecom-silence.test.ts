import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWecomAdapter, type WecomAdapterOptions } from "../../adapters/wecom/index.ts";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Adapter, ChannelState } from "../../core/types/adapter.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startWecomAibotFake, type WecomAibotFake } from "../fakes/wecom-aibot.ts";
import { eventually } from "../support/eventually.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";
import { silentLogger } from "../support/recording-logger.ts";

const credentials = { botId: "fake-bot-id", secret: "fake-bot-secret-not-real" };

let fake: WecomAibotFake;
let gateway: Gateway | undefined;
beforeEach(async () => {
  fake = await startWecomAibotFake(credentials);
});
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
  await fake.close();
});

async function start(options: WecomAdapterOptions): Promise<Adapter> {
  const adapter = createWecomAdapter(
    { botId: credentials.botId, botSecret: credentials.secret, wsUrl: fake.wsUrl },
    { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
    { reconnectIntervalMs: 50, startTimeoutMs: 300, ...options },
  );
  ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [adapter] }));
  return adapter;
}

const dm = (msgid: string, content: string) => ({
  msgid,
  aibotid: credentials.botId,
  chattype: "single",
  from: { userid: "zhangsan" },
  response_url: "RESPONSEURL",
  msgtype: "text",
  text: { content },
});

describe("a WeCom long connection that goes quiet", () => {
  it("stops getting heartbeat acks: shown degraded, replaced, and the next message is answered", async () => {
    const adapter = await start({ heartbeatIntervalMs: 100 });
    await eventually(() => adapter.health().state === "ready");
    const states: ChannelState[] = [];
    const sample = () => states.at(-1) !== adapter.health().state && states.push(adapter.health().state);
    const watch = setInterval(sample, 10);
    fake.silenceOpen();
    await eventually(() => fake.logins.filter((login) => login.isAccepted).length === 2 && adapter.health().state === "ready", 4000);
    clearInterval(watch);
    sample();
    expect(states).toEqual(["ready", "degraded", "ready"]);
    const reqId = fake.pushMessage(dm("dm-after-silence", "/echo still there?"));
    await eventually(() => fake.streams(reqId).some((frame) => frame.finish));
    expect(fake.streams(reqId).at(-1)).toMatchObject({ finish: true, content: "still there?" });
  });

  it("accepts the socket but never answers the login: the connection is replaced", async () => {
    fake.setSilent(true);
    const adapter = await start({ loginTimeoutMs: 300 });
    await eventually(() => fake.frames.some((frame) => frame.cmd === "aibot_subscribe"));
    fake.setSilent(false);
    await eventually(() => fake.logins.some((login) => login.isAccepted) && adapter.health().state === "ready", 4000);
    expect(fake.frames.filter((frame) => frame.cmd === "aibot_subscribe").length).toBe(2);
  });
});
