import { afterEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { findFfmpeg } from "../../media/audio/ffmpeg.ts";
import { fakeEncryptKey, messageEvent, postEvent } from "../fakes/feishu-events.ts";
import { startFakeOpenPlatform, textOf, type FakeOpenPlatform, type FakeOpenPlatformOptions } from "../fakes/feishu-open-platform.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { encodeWithFfmpeg, toneWav } from "../media/audio/samples.ts";
import { emit, fakeAgent } from "../support/fake-agent.ts";
import { scriptedAgent, webhookEnv } from "../support/feishu.ts";
import { startTestGateway } from "../support/web-chat-client.ts";
import type { Env } from "../../core/config.ts";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

let gateway: Gateway | undefined;
let fake: FakeOpenPlatform | undefined;
let openai: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await openai?.close();
  gateway = undefined;
  fake = undefined;
  openai = undefined;
});

async function start(options: { platform?: FakeOpenPlatformOptions; env?: Env; acceptsImages?: boolean } = {}) {
  fake = await startFakeOpenPlatform(options.platform);
  const scripted = scriptedAgent((input) => [`got: ${input.text || "(no text)"}`], { acceptsImages: options.acceptsImages ?? false });
  ({ gateway } = await startTestGateway(webhookEnv(fake.origin, options.env), { agent: scripted.agent }));
  const say = (event: ReturnType<typeof messageEvent>) => postEvent(`${gateway!.url}webhooks/feishu/events`, event, { encryptKey: fakeEncryptKey });
  return { fake, gateway, inputs: scripted.inputs, say };
}

describe("Feishu voice and images, end to end", () => {
  it("downloads a voice message (Opus) from the message's resources and hands the agent its transcript", async () => {
    openai = await startFakeOpenAI();
    openai.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    const h = await start({ env: { STT_PROVIDER: "openai", STT_BASE_URL: openai.url, STT_API_KEY: "sk-test-fake-stt", STT_MODEL: "whisper-1" } });
    const opus = await encodeWithFfmpeg(await findFfmpeg(), toneWav(1.5, 48_000), "audio.opus", ["-c:a", "libopus", "-ar", "16000", "-f", "ogg"]);
    h.fake.addResource("om_voice1", "file_v3_voice1", "file", opus, "audio/opus");
    const result = await h.say(messageEvent({ messageId: "om_voice1", messageType: "audio", content: { file_key: "file_v3_voice1", duration: 1500 } }));
    expect(result.status).toBe(200);
    await h.fake.waitFor(() => h.fake.sent.length > 0, 15_000);
    await h.gateway.pipeline.idle();
    const attachment = h.inputs[0]!.attachments[0]!;
    expect(attachment).toMatchObject({ type: "audio", isVoiceNote: true, transcript: "turn on the lights" });
    const download = h.fake.requests.find((request) => request.route === "/open-apis/im/v1/messages/om_voice1/resources/file_v3_voice1");
    expect(download?.query.get("type")).toBe("file");
    expect(openai.requests.some((request) => request.endpoint === "transcriptions")).toBe(true);
  }, 30_000);

  it("hands an image to an agent that sees, downloaded with type=image", async () => {
    const h = await start({ acceptsImages: true });
    const sharp = (await import("sharp")).default;
    const png = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#20c050" } }).png().toBuffer();
    h.fake.addResource("om_image1", "img_v3_image1", "image", new Uint8Array(png), "image/png");
    await h.say(messageEvent({ messageId: "om_image1", messageType: "image", content: { image_key: "img_v3_image1" } }));
    await h.fake.waitFor(() => h.fake.sent.length > 0, 15_000);
    await h.gateway.pipeline.idle();
    expect(h.inputs[0]!.attachments[0]).toMatchObject({ type: "image", media: { platform: "feishu", id: "image:om_image1:img_v3_image1" } });
    expect(h.inputs[0]!.images).toHaveLength(1);
    expect(h.fake.requests.find((request) => request.route.endsWith("/resources/img_v3_image1"))?.query.get("type")).toBe("image");
  }, 30_000);
});

describe("Feishu outbound media and rate limits, end to end", () => {
  it("uploads a picture the agent sends and posts it as an image message, with its caption after", async () => {
    fake = await startFakeOpenPlatform();
    const sharp = (await import("sharp")).default;
    const path = join(tmpdir(), `feishu-chart-${Date.now()}.png`);
    await writeFile(path, await sharp({ create: { width: 8, height: 8, channels: 3, background: "#000" } }).png().toBuffer());
    const { agent } = fakeAgent(
      () => [emit({ type: "artifact", part: { type: "image", media: { platform: "local", id: path, mimeType: "image/png", fileName: "chart.png" }, caption: "The chart" } })],
      { id: "artist" },
    );
    ({ gateway } = await startTestGateway(webhookEnv(fake.origin), { agent }));
    await postEvent(`${gateway.url}webhooks/feishu/events`, messageEvent({ text: "draw" }), { encryptKey: fakeEncryptKey });
    await fake.waitFor(() => fake!.sent.length >= 2);
    await gateway.pipeline.idle();
    expect(fake.uploads[0]).toMatchObject({ kind: "image", fields: { image_type: "message" } });
    expect(Buffer.from(fake.uploads[0]!.bytes.subarray(1, 4)).toString()).toBe("PNG");
    expect(fake.sent[0]).toMatchObject({ msgType: "image", content: JSON.stringify({ image_key: fake.uploads[0]!.key }) });
    expect(textOf(fake.sent[1]!)).toBe("The chart");
  });

  it("waits out a rate limit (HTTP 429) and sends the answer", async () => {
    const h = await start();
    h.fake.failNext({ match: /^POST \/open-apis\/im\/v1\/messages$/, status: 429, code: 99991400, msg: "request trigger frequency limit", headers: { "x-ogw-ratelimit-reset": "0" } });
    await h.say(messageEvent({ text: "busy?" }));
    await h.fake.waitFor(() => h.fake.sent.length === 1);
    await h.gateway.pipeline.idle();
    expect(h.fake.requests.filter((request) => request.answered?.code === 99991400)).toHaveLength(1);
    expect(textOf(h.fake.sent[0]!)).toBe("got: busy?");
  });
});

describe("Feishu tenant tokens", () => {
  it("fetches a new token before the old one expires, and the reply still goes out", async () => {
    // Feishu says the token lasts 182 s; the SDK keeps it until 3 minutes before that (2 s here); the fake accepts it for 2.5 s.
    const h = await start({ platform: { reportedExpireSec: 182, tokenLifetimeMs: 2500 } });
    await h.say(messageEvent({ text: "first" }));
    await h.fake.waitFor(() => h.fake.sent.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await h.say(messageEvent({ text: "second" }));
    await h.fake.waitFor(() => h.fake.sent.length === 2);
    await h.gateway.pipeline.idle();
    expect(h.fake.texts()).toEqual(["got: first", "got: second"]);
    expect(h.fake.issuedTokens().length).toBeGreaterThanOrEqual(2);
    expect(h.fake.requests.filter((request) => request.answered?.code === 99991663)).toHaveLength(0);
  }, 10_000);

  it("drops a token Feishu refuses before its announced expiry and retries once with a fresh one", async () => {
    const h = await start({ platform: { reportedExpireSec: 7200, tokenLifetimeMs: 1200 } });
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await h.say(messageEvent({ text: "after expiry" }));
    await h.fake.waitFor(() => h.fake.sent.length === 1);
    await h.gateway.pipeline.idle();
    expect(textOf(h.fake.sent[0]!)).toBe("got: after expiry");
    const refused = h.fake.requests.filter((request) => request.answered?.code === 99991663);
    expect(refused).toHaveLength(1);
    expect(h.fake.issuedTokens()).toHaveLength(2);
    // The first call after the expiry (the sender's name, then the answer) meets the refusal and is made again with a new token.
    const sameRoute = h.fake.requests.filter((request) => request.route === refused[0]!.route);
    expect(sameRoute.map((request) => request.token)).toEqual([h.fake.issuedTokens()[0], h.fake.issuedTokens()[1]]);
    expect(h.fake.requests.filter((request) => request.route === "/open-apis/im/v1/messages").map((request) => request.token)).toEqual([h.fake.issuedTokens()[1]]);
  }, 10_000);
});
