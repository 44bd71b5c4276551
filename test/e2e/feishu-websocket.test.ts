import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { botMention, cardActionEvent, messageEvent } from "../fakes/feishu-events.ts";
import { startFakeOpenPlatform, textOf, type FakeOpenPlatform } from "../fakes/feishu-open-platform.ts";
import { startFeishuWs, type FeishuWs } from "../fakes/feishu-ws.ts";
import { eventually } from "../support/eventually.ts";
import { feishuEnv, scriptedAgent } from "../support/feishu.ts";
import { ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeOpenPlatform | undefined;
let ws: FeishuWs | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await ws?.close();
  gateway = undefined;
  fake = undefined;
  ws = undefined;
});

async function start(reconnectIntervalSec?: number) {
  ws = await startFeishuWs();
  const socket = ws;
  if (reconnectIntervalSec !== undefined) Object.assign(socket.clientConfig, { ReconnectInterval: reconnectIntervalSec, ReconnectNonce: 0 });
  fake = await startFakeOpenPlatform({ wsUrl: socket.url, wsClientConfig: () => socket.clientConfig });
  const scripted = scriptedAgent((input) => [`echo: ${input.text}`]);
  ({ gateway } = await startTestGateway(feishuEnv(fake.origin), { agent: scripted.agent }));
  return { fake, ws: socket, gateway, inputs: scripted.inputs };
}

const readyz = async (gateway: Gateway) => (await fetch(`${gateway.url}readyz`)).status;

describe("Feishu long connection, end to end", () => {
  it("answers an event frame pushed over the long connection, and acknowledges it", async () => {
    const h = await start();
    await h.ws.waitFor(() => h.ws.isConnected());
    const ack = await h.ws.push(messageEvent({ text: "over the socket" }));
    expect(ack.code).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(textOf(h.fake.sent[0]!)).toBe("echo: over the socket");
    expect(await readyz(h.gateway)).toBe(200);
  });

  it("reconnects after the platform drops the connection and answers the next event", async () => {
    const h = await start();
    await h.ws.waitFor(() => h.ws.isConnected());
    h.ws.drop();
    await h.ws.waitFor(() => h.ws.connectionCount() >= 2 && h.ws.isConnected(), 5000);
    const ack = await h.ws.push(messageEvent({ chatType: "group", text: "@_user_1 still there?", mentions: [botMention] }));
    expect(ack.code).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.inputs.map((input) => input.text)).toEqual(["still there?"]);
    expect(await readyz(h.gateway)).toBe(200);
  });

  it("reports not ready while the connection is down, and ready again once it is back", async () => {
    const h = await start(0.8);
    await h.ws.waitFor(() => h.ws.isConnected());
    await eventually(() => h.ws.pingCount() > 0);
    expect(await readyz(h.gateway)).toBe(200);
    h.ws.refuseConnections(true);
    h.ws.drop();
    await h.ws.waitFor(() => !h.ws.isConnected());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const down = await fetch(`${h.gateway.url}readyz`, { headers: ownerAuth(h.gateway) });
    expect(down.status).toBe(503);
    expect(JSON.stringify(await down.json())).toContain("reconnecting");
    h.ws.refuseConnections(false);
    await h.ws.waitFor(() => h.ws.connectionCount() >= 2 && h.ws.isConnected(), 5000);
    expect(await readyz(h.gateway)).toBe(200);
  });

  it("turns a card click over the long connection into the typed command and answers it with a toast", async () => {
    const h = await start();
    await h.ws.waitFor(() => h.ws.isConnected());
    const ack = await h.ws.push(cardActionEvent({ messageId: "om_botcard2", chatId: "oc_fakep2p0001", value: { pincer_button: "echo via socket" } }));
    expect(ack).toMatchObject({ code: 200, data: { toast: { type: "info" } } });
    await h.fake.waitFor(() => h.fake.sent.length > 0);
    await h.gateway.pipeline.idle();
    expect(h.inputs.map((input) => input.text)).toEqual(["/echo via socket"]);
  });
});
