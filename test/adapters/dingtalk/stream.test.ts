import { afterEach, describe, expect, it } from "vitest";
import { createStreamClient, robotTopic, type StreamFrame } from "../../../adapters/dingtalk/stream.ts";
import { createLogger } from "../../../core/logger.ts";
import { robotMessage, startDingtalkFake, type DingtalkFake } from "../../fakes/dingtalk.ts";
import { dingtalkCredentials } from "../../support/dingtalk.ts";
import { eventually } from "../../support/eventually.ts";
import { collectingLog } from "../../support/recording-logger.ts";

let fake: DingtalkFake | undefined;
let stop: (() => void) | undefined;
afterEach(async () => {
  stop?.();
  await fake?.close();
});

/** A frame handler whose work the test finishes by hand, as an inbox write that takes a while. */
function heldHandler() {
  const held: { frame: StreamFrame; resolve: () => void; reject: (error: Error) => void }[] = [];
  const onFrame = (frame: StreamFrame) =>
    new Promise<unknown>((resolve, reject) => held.push({ frame, resolve: () => resolve(null), reject }));
  return { held, onFrame };
}

async function connect(onFrame: (frame: StreamFrame) => Promise<unknown>) {
  fake = await startDingtalkFake(dingtalkCredentials);
  const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
  const client = createStreamClient({
    settings: { ...dingtalkCredentials, apiBase: fake.origin },
    logger,
    subscriptions: [{ type: "CALLBACK", topic: robotTopic }],
    onFrame,
    minReconnectMs: 50,
  });
  client.start();
  stop = client.stop;
  await eventually(() => fake!.socketCount === 1 && client.state() === "open");
  return client;
}

describe("DingTalk stream client", () => {
  it("acknowledges a callback by its messageId only once its handler resolved (the inbox row is written)", async () => {
    const { held, onFrame } = heldHandler();
    await connect(onFrame);
    const messageId = fake!.pushMessage(robotMessage(fake!, { msgId: "held-1" }));
    await eventually(() => held.length === 1);
    // The frame is with the handler, and nothing was acknowledged yet: a ping round trip proves the socket is flowing.
    fake!.ping();
    await fake!.waitFor(() => fake!.pingAnswers.length === 1);
    expect(fake!.acks).toEqual([]);
    held[0]!.resolve();
    await fake!.waitFor(() => fake!.acks.length === 1);
    expect(fake!.acks[0]).toEqual({ messageId, data: { response: null } });
    expect(JSON.parse(held[0]!.frame.data!)).toMatchObject({ msgId: "held-1" });
  });

  it("leaves a callback unacknowledged when its handler fails, so DingTalk delivers it again", async () => {
    const { held, onFrame } = heldHandler();
    await connect(onFrame);
    fake!.pushMessage(robotMessage(fake!, { msgId: "fails-1" }));
    await eventually(() => held.length === 1);
    held[0]!.reject(new Error("the store is down"));
    fake!.ping();
    await fake!.waitFor(() => fake!.pingAnswers.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fake!.acks).toEqual([]);
  });

  it("answers a ping with its own headers and data", async () => {
    await connect(async () => null);
    fake!.ping();
    await fake!.waitFor(() => fake!.pingAnswers.length === 1);
    expect(fake!.pingAnswers[0]).toMatchObject({ code: 200, message: "OK", headers: { topic: "ping" } });
    expect(JSON.parse(String(fake!.pingAnswers[0]!.data))).toHaveProperty("opaque");
  });

  it("opens the next connection as soon as DingTalk announces a disconnect, and still acknowledges on the old one", async () => {
    const { held, onFrame } = heldHandler();
    const client = await connect(onFrame);
    const messageId = fake!.pushMessage(robotMessage(fake!, { msgId: "in-flight" }));
    await eventually(() => held.length === 1);
    fake!.sendDisconnect();
    await fake!.waitFor(() => fake!.openedCount === 2 && fake!.socketCount === 2);
    await eventually(() => client.state() === "open");
    held[0]!.resolve();
    await fake!.waitFor(() => fake!.acks.some((ack) => ack.messageId === messageId));
  });
});
