import { afterEach, describe, expect, it } from "vitest";
import { createFeishuAdapter } from "../../adapters/feishu/index.ts";
import type { Adapter } from "../../core/types/adapter.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { messageEvent } from "../fakes/feishu-events.ts";
import { fakeAppId, fakeAppSecret, startFakeOpenPlatform, textOf, type FakeOpenPlatform } from "../fakes/feishu-open-platform.ts";
import { startFeishuWs, type FeishuWs } from "../fakes/feishu-ws.ts";
import { eventually } from "../support/eventually.ts";
import { scriptedAgent } from "../support/feishu.ts";
import { startTestGateway, tempDataDir } from "../support/web-chat-client.ts";
import { silentLogger } from "../support/recording-logger.ts";

let gateway: Gateway | undefined;
let fake: FakeOpenPlatform | undefined;
let ws: FeishuWs | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await ws?.close();
  gateway = fake = ws = undefined;
});


async function start(options: Parameters<typeof createFeishuAdapter>[2]) {
  ws = await startFeishuWs();
  const socket = ws;
  Object.assign(socket.clientConfig, { PingInterval: 0.3, ReconnectInterval: 0.1, ReconnectNonce: 0 });
  fake = await startFakeOpenPlatform({ wsUrl: socket.url, wsClientConfig: () => socket.clientConfig });
  const adapter: Adapter = createFeishuAdapter(
    { appId: fakeAppId, appSecret: fakeAppSecret, domain: fake.origin, connection: "websocket", verificationToken: undefined, encryptKey: undefined },
    { logger: silentLogger, dataDir: tempDataDir(), maxMediaBytes: 1_000_000 },
    options,
  );
  const scripted = scriptedAgent((input) => [`echo: ${input.text}`]);
  ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open" }, { agent: scripted.agent, extraAdapters: [adapter] }));
  return { fake, ws: socket, gateway: gateway!, adapter };
}

describe("a Feishu long connection that goes quiet", () => {
  it("is noticed by the ping watchdog, shown degraded, and replaced by a new connection that answers", async () => {
    const h = await start({ pingTimeoutSec: 0.2 });
    await h.ws.waitFor(() => h.ws.isConnected());
    await eventually(() => h.adapter.health().state === "ready");
    // The endpoint refuses until the degraded state was seen, so no sampling can miss it on a busy machine.
    h.fake.setEndpointDown(true);
    h.ws.silenceOpen();
    await eventually(() => h.adapter.health().state === "degraded", 10_000);
    h.fake.setEndpointDown(false);
    await h.ws.waitFor(() => h.ws.connectionCount() >= 2 && h.ws.isConnected(), 10_000);
    await eventually(() => h.adapter.health().state === "ready", 10_000);
    expect(h.ws.silentOpen()).toBe(0);

    const ack = await h.ws.push(messageEvent({ text: "after the silence" }));
    expect(ack.code).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(textOf(h.fake.sent[0]!)).toBe("echo: after the silence");
  }, 30_000);
});

describe("Feishu messages sent while the long connection was down", () => {
  it("are listed from the chat after the reconnect and answered once", async () => {
    const h = await start({});
    await h.ws.waitFor(() => h.ws.isConnected());
    const before = messageEvent({ text: "before the gap" });
    h.fake.addToHistory(before);
    await h.ws.push(before);
    await h.fake.waitFor(() => h.fake.sent.length === 1);
    await h.gateway.pipeline.idle();

    h.ws.drop();
    const during = messageEvent({ text: "during the gap" });
    during.event.message.create_time = String(Number(before.event.message.create_time) + 5);
    h.fake.addToHistory(during);
    await h.ws.waitFor(() => h.ws.connectionCount() >= 2 && h.ws.isConnected(), 5000);
    await h.fake.waitFor(() => h.fake.sent.length === 2, 5000);
    // Delivered late over the socket as well: the inbox already has it.
    await h.ws.push(during);
    await h.gateway.pipeline.idle();
    expect(h.fake.sent.map((entry) => textOf(entry))).toEqual(["echo: before the gap", "echo: during the gap"]);
  });
});
