import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeQq, type FakeQq } from "../fakes/qq.ts";
import { eventually } from "../support/eventually.ts";
import { startQqGateway } from "../support/qq.ts";

let gateway: Gateway | undefined;
let fake: FakeQq | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

const channelState = async (gatewayUrl: string) =>
  ((await (await fetch(`${gatewayUrl}readyz`)).json()) as { channels: Record<string, { state: string }> }).channels["qq"]?.state;

describe("QQ over the WebSocket gateway", () => {
  it("identifies with its token and intents, heartbeats, and answers a dispatched message", async () => {
    fake = await startFakeQq({ heartbeatIntervalMs: 100 });
    ({ gateway } = await startQqGateway(fake, { QQ_CONNECTION: "websocket" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    await eventually(() => fake!.identifies === 1 && fake!.connectedSockets() === 1, 4000);
    const identify = fake.gatewayFrames.find((frame) => frame.op === 2)!;
    expect(identify.d).toMatchObject({ token: expect.stringMatching(/^QQBot fake-access-token-/), intents: (1 << 25) | (1 << 12) | (1 << 30), shard: [0, 1] });
    let state = await channelState(gateway.url);
    for (let tries = 0; state !== "ready" && tries < 100; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 40));
      state = await channelState(gateway.url);
    }
    expect(state).toBe("ready");
    const routes = await fetch(`${gateway.url}webhooks/qq`, { method: "POST", body: "{}" });
    expect(routes.status).toBe(404);
    fake.dispatch(fake.events.c2c("/echo over the socket"));
    await eventually(() => fake!.textsIn(`user:${fake!.openids.user}`).length === 1, 4000);
    expect(fake.textsIn(`user:${fake.openids.user}`)).toEqual(["over the socket"]);
    await eventually(() => fake!.gatewayFrames.some((frame) => frame.op === 1 && typeof frame.d === "number"), 4000);
  });

  it("resumes its session after a drop, gets the message sent meanwhile, and answers it and the next one once", async () => {
    fake = await startFakeQq({ heartbeatIntervalMs: 100 });
    ({ gateway } = await startQqGateway(fake, { QQ_CONNECTION: "websocket" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    await eventually(() => fake!.connectedSockets() === 1, 4000);
    fake.dispatch(fake.events.c2c("/echo first"));
    await eventually(() => fake!.sent.length === 1, 4000);
    fake.dropConnections();
    // Sent while the connection is down: QQ keeps it for the session's resume.
    fake.dispatch(fake.events.c2c("/echo while away"));
    await eventually(() => fake!.resumes === 1 && fake!.connectedSockets() === 1, 8000);
    const resume = fake.gatewayFrames.find((frame) => frame.op === 6)!;
    expect(resume.d).toMatchObject({ session_id: expect.stringMatching(/^session-/), seq: expect.any(Number) });
    fake.dispatch(fake.events.c2c("/echo after the drop"));
    await eventually(() => fake!.sent.length === 3, 4000);
    await gateway.pipeline.idle();
    expect(fake.textsIn(`user:${fake.openids.user}`)).toEqual(["first", "while away", "after the drop"]);
    expect(fake.identifies).toBe(1);
  });

  it("replaces a connection that went silent (no heartbeat ack) and resumes it", async () => {
    fake = await startFakeQq({ heartbeatIntervalMs: 100 });
    ({ gateway } = await startQqGateway(fake, { QQ_CONNECTION: "websocket" }, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    await eventually(() => fake!.connectedSockets() === 1 && fake!.identifies === 1, 4000);
    expect(fake.muteHeartbeats()).toBe(1);
    fake.dispatch(fake.events.c2c("/echo during the silence"));
    await eventually(() => fake!.resumes === 1, 8000);
    await eventually(() => fake!.textsIn(`user:${fake!.openids.user}`).length === 1, 4000);
    expect(fake.textsIn(`user:${fake.openids.user}`)).toEqual(["during the silence"]);
  });
});
