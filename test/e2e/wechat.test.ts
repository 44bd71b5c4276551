import sharp from "sharp";
import { encode } from "silk-wasm";
import { afterEach, describe, expect, it } from "vitest";
import { createWechatAdapter } from "../../adapters/wechat/index.ts";
import { createLogger } from "../../core/logger.ts";
import type { Env } from "../../core/config.ts";
import type { WechatyConfig } from "../../core/config-platforms.ts";
import type { Adapter } from "../../core/types/adapter.ts";
import type { Agent, AgentInput } from "../../core/types/agent.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { decodeToWav } from "../../media/audio/decode.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { createWechatWorld, type WechatWorld } from "../fakes/wechat-mocker.ts";
import { tonePcm } from "../media/audio/samples.ts";
import { eventually } from "../support/eventually.ts";
import { collectingLog } from "../support/recording-logger.ts";
import { fakeAgent, pause, say } from "../support/fake-agent.ts";
import { ownerAuth, startTestGateway, tempDataDir } from "../support/web-chat-client.ts";

/** An agent that answers at once with `answer(input)` and keeps what it was given. */
function scriptedAgent(answer: (input: AgentInput) => string, delayMs = 0) {
  return fakeAgent((input) => [...(delayMs ? [pause(delayMs)] : []), say(answer(input))], { id: "scripted", acceptsImages: true });
}

const settings = (overrides: Partial<WechatyConfig> = {}): WechatyConfig => ({
  puppet: "wechaty-puppet-mock",
  puppetToken: undefined,
  sendIntervalMs: 100,
  sendsPerMinute: 60,
  workingNoticeAfterMs: undefined,
  ...overrides,
});

let gateway: Gateway | undefined;
let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

/** The real gateway with the WeChat adapter on a mock puppet, logged in unless `isLoggedIn` is false. */
async function start(agent: Agent, options: { env?: Env; wechat?: Partial<WechatyConfig>; isLoggedIn?: boolean } = {}) {
  const world = createWechatWorld();
  const logger = createLogger({ level: "warn", secrets: [], destination: collectingLog().destination });
  const dataDir = tempDataDir();
  const adapter: Adapter = await createWechatAdapter(settings(options.wechat), { logger, dataDir, maxMediaBytes: 10_000_000 }, {
    puppet: world.puppet,
    showQr: () => {},
  });
  ({ gateway } = await startTestGateway({ PINCER_DM_POLICY: "open", PINCER_GROUP_POLICY: "mention", ...options.env }, { agent, extraAdapters: [adapter] }));
  if (options.isLoggedIn === false) return { world, adapter, gateway: gateway! };
  world.login();
  await eventually(() => adapter.health().state === "ready");
  return { world, adapter, gateway: gateway! };
}

const waitForTexts = async (world: WechatWorld, chatId: string, count: number, timeoutMs = 5000) => {
  await eventually(() => world.textsTo(chatId).length >= count, timeoutMs);
  return world.textsTo(chatId);
};

describe("WeChat through wechaty (PuppetMock), end to end", () => {
  it("shows 'waiting for scan' with the QR code on /readyz and the admin API until the account logs in", async () => {
    const { world, gateway } = await start(scriptedAgent(() => "").agent, { isLoggedIn: false });
    world.puppet.emit("scan", { qrcode: "https://login.weixin.qq.com/l/fake-qr==", status: 2 });
    const waiting = await fetch(`${gateway.url}readyz`, { headers: ownerAuth(gateway) });
    expect(waiting.status).toBe(503);
    const body = (await waiting.json()) as { channels: Record<string, unknown> };
    expect(body.channels.wechat).toEqual({ state: "starting", detail: "waiting for scan", loginQr: "https://login.weixin.qq.com/l/fake-qr==" });
    const anonymous = (await (await fetch(`${gateway.url}readyz`)).json()) as { channels: Record<string, unknown> };
    expect(anonymous.channels.wechat).toEqual({ state: "starting" });
    const admin = (await (await fetch(`${gateway.url}api/admin/channels`, { headers: ownerAuth(gateway) })).json()) as { channels: Record<string, unknown> };
    expect(admin.channels.wechat).toMatchObject({ detail: "waiting for scan" });
    world.login();
    const ready = async () => ((await (await fetch(`${gateway.url}readyz`)).json()) as { channels: Record<string, { state: string }> }).channels.wechat?.state;
    for (let attempt = 0; attempt < 50 && (await ready()) !== "ready"; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await ready()).toBe("ready");
  });

  it("answers a direct message once", async () => {
    const { agent, inputs } = scriptedAgent((input) => `You said: **${input.text}**`);
    const { world, gateway } = await start(agent);
    world.dm(world.alice, "hello there");
    expect(await waitForTexts(world, world.alice.id, 1)).toEqual(["You said: hello there"]);
    await gateway.pipeline.idle();
    expect(world.textsTo(world.alice.id)).toHaveLength(1);
    expect(inputs).toHaveLength(1);
    expect(inputs[0]).toMatchObject({ text: "hello there", conversation: { platform: "wechat", chatId: world.alice.id, kind: "direct" } });
    expect(inputs[0]!.sender).toMatchObject({ id: world.alice.id, displayName: "Alice" });
  });

  it("answers an @mention in a group with a reply that @mentions the asker, without the bot's name in the prompt", async () => {
    const { agent, inputs } = scriptedAgent((input) => `answer to ${input.text}`);
    const { world } = await start(agent);
    world.inRoom(world.alice, "@Pincer what is up", [world.bot]);
    const [reply] = await waitForTexts(world, world.room.id, 1);
    expect(reply).toBe("@Alice answer to what is up");
    expect(inputs[0]).toMatchObject({ text: "what is up", conversation: { chatId: world.room.id, kind: "group" } });
  });

  it("does not run the agent for a group message that does not address the bot", async () => {
    const { agent, inputs } = scriptedAgent((input) => `answer to ${input.text}`);
    const { world, gateway } = await start(agent);
    world.inRoom(world.alice, "just chatting among ourselves");
    await new Promise((resolve) => setTimeout(resolve, 100));
    world.inRoom(world.bob, "@Pincer are you there?", [world.bot]);
    await waitForTexts(world, world.room.id, 1);
    await gateway.pipeline.idle();
    expect(inputs.map((input) => input.text)).toEqual(["are you there?"]);
    expect(world.textsTo(world.room.id)).toEqual(["@Bob answer to are you there?"]);
  });

  it("takes a SILK voice note as an audio attachment that decodes to the duration it was recorded with", async () => {
    fake = await startFakeOpenAI();
    fake.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    const { agent, inputs } = scriptedAgent(() => "Lights on.");
    const { world, adapter } = await start(agent, {
      env: { STT_PROVIDER: "openai", STT_BASE_URL: fake.url, STT_API_KEY: "sk-test-fake-stt", STT_MODEL: "whisper-1" },
    });
    const recordedSec = 1.5;
    const silk = await encode(tonePcm(recordedSec, 24_000), 24_000);
    world.dm(world.alice, world.file(silk.data, "voice.sil"));
    await waitForTexts(world, world.alice.id, 1, 10_000);
    const [audio] = inputs[0]!.attachments;
    expect(audio).toMatchObject({ type: "audio", isVoiceNote: true, transcript: "turn on the lights", media: { platform: "wechat" } });
    const fetched = await adapter.fetchMedia(audio!.media);
    expect(fetched.mimeType).toBe("audio/silk");
    expect(new TextDecoder().decode(fetched.bytes.slice(0, 10))).toBe("\x02#!SILK_V3");
    const decoded = await decodeToWav(fetched, { signal: AbortSignal.timeout(5000) });
    expect(Math.abs(decoded.durationSec - recordedSec)).toBeLessThanOrEqual(0.1);
    expect(Math.abs((audio as { durationSec: number }).durationSec - recordedSec)).toBeLessThanOrEqual(0.1);
    expect(fake.requests.find((request) => request.endpoint === "transcriptions")?.body).toMatchObject({ file: { name: "voice.wav" } });
  }, 15_000);

  it("answers a voice note with a SILK voice note too, when voice replies are on", async () => {
    fake = await startFakeOpenAI();
    fake.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    const { agent } = scriptedAgent(() => "Lights on.");
    const { world } = await start(agent, {
      env: { STT_PROVIDER: "openai", STT_BASE_URL: fake.url, STT_API_KEY: "sk-test-fake-stt", TTS_PROVIDER: "openai" },
    });
    const silk = await encode(tonePcm(1, 24_000), 24_000);
    world.dm(world.alice, world.file(silk.data, "voice.sil"));
    await eventually(() => world.sent.filter((message) => message.chatId === world.alice.id).length >= 2, 10_000);
    expect(world.textsTo(world.alice.id)).toEqual(["Lights on."]);
    const voice = world.sent.find((message) => message.chatId === world.alice.id && message.type !== 7);
    expect(voice?.fileName).toBe("voice-reply.sil");
    expect(fake.speechRequests().map((request) => request.body?.input)).toEqual(["Lights on."]);
  }, 15_000);

  it("takes an image as an image attachment", async () => {
    const { agent, inputs } = scriptedAgent(() => "A red square.");
    const { world, adapter } = await start(agent);
    const png = await sharp({ create: { width: 32, height: 24, channels: 3, background: "#ff0000" } }).png().toBuffer();
    world.dm(world.alice, world.file(png, "photo.png"));
    await waitForTexts(world, world.alice.id, 1);
    const [image] = inputs[0]!.attachments;
    expect(image).toMatchObject({ type: "image", media: { platform: "wechat" } });
    expect(inputs[0]!.images).toHaveLength(1);
    const fetched = await adapter.fetchMedia(image!.media);
    expect(fetched.mimeType).toBe("image/png");
    expect(Buffer.from(fetched.bytes).equals(png)).toBe(true);
  });

  it("sends a 5,000-character answer as three messages, in order, paced by the send interval", async () => {
    const paragraphs = Array.from({ length: 10 }, (_, index) => `Paragraph ${index + 1}: ${"lorem ipsum ".repeat(40).trim()}.`);
    const answer = paragraphs.join("\n\n");
    expect(answer.length).toBeGreaterThan(4900);
    const { agent } = scriptedAgent(() => answer);
    const { world } = await start(agent, { wechat: { sendIntervalMs: 150 } });
    world.dm(world.alice, "tell me a lot");
    const texts = await waitForTexts(world, world.alice.id, 3);
    expect(texts).toHaveLength(3);
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(2000);
    expect(texts.join("\n\n")).toBe(answer);
    const times = world.sent.filter((message) => message.chatId === world.alice.id).map((message) => message.atMs);
    for (let index = 1; index < times.length; index++) expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(145);
  });

  it("says it is working on it when the answer takes longer than the notice delay", async () => {
    const { agent } = scriptedAgent(() => "Done, finally.", 600);
    const { world } = await start(agent, { wechat: { workingNoticeAfterMs: 200 } });
    world.dm(world.alice, "do something slow");
    expect(await waitForTexts(world, world.alice.id, 2)).toEqual(["⏳ Working on it…", "Done, finally."]);
  });

  it("sends an approval request with a typed instruction instead of buttons", async () => {
    const { agent } = scriptedAgent(() => "unused");
    const { world, adapter } = await start(agent);
    await adapter.send(
      { platform: "wechat", chatId: world.alice.id, kind: "direct" },
      { type: "buttons", text: "🔐 Approval needed: **shell** wants to run", buttons: [{ id: "approve 3f2a", label: "Approve" }, { id: "deny 3f2a", label: "Deny" }] },
    );
    expect(await waitForTexts(world, world.alice.id, 1)).toEqual(["🔐 Approval needed: shell wants to run\n\nReply /approve 3f2a or /deny 3f2a."]);
  });
});
