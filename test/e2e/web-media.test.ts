import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { findFfmpeg } from "../../media/audio/ffmpeg.ts";
import { createChatPlatform } from "../fakes/chat-platform.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { encodeWithFfmpeg, toneWav } from "../media/audio/samples.ts";
import { renderStrokeText } from "../support/stroke-text.ts";
import { openWebChat, ownerAuth, startTestGateway } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = undefined;
  fake = undefined;
});

describe("voice and images through the web chat, end to end", () => {
  it("answers a voice note with what it said, transcribed by an OpenAI-compatible speech-to-text", async () => {
    fake = await startFakeOpenAI();
    fake.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    ({ gateway } = await startTestGateway(
      { STT_PROVIDER: "openai", STT_BASE_URL: fake.url, STT_API_KEY: "sk-test-fake-stt", STT_MODEL: "whisper-1" },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }) },
    ));
    const chat = await openWebChat(gateway);
    const ogg = await encodeWithFfmpeg(await findFfmpeg(), toneWav(1.5, 48_000), "voice.ogg", ["-c:a", "libopus"]);
    const upload = await chat.attach(ogg, "audio/ogg", "voice-note.ogg");
    await chat.say("", undefined, [upload.id!]);
    await chat.waitFor(() => chat.texts().some((text) => text.includes('a voice note that says "turn on the lights"')), 15_000);
    const transcription = fake.requests.find((request) => request.endpoint === "transcriptions");
    expect(transcription?.body).toMatchObject({ model: "whisper-1", file: { name: "voice.wav" } });
    await chat.say("/status");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("Speech-to-text: openai (whisper-1)")));
    await chat.close();
  }, 30_000);

  it("answers a voice note with a voice note too when TTS_PROVIDER is set, and keeps the text", async () => {
    fake = await startFakeOpenAI();
    fake.scriptTranscriptions({ type: "text", text: "what time is it" });
    ({ gateway } = await startTestGateway(
      { STT_BASE_URL: fake.url, STT_API_KEY: "sk-test-fake-stt", TTS_PROVIDER: "openai", TTS_VOICE: "nova" },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }) },
    ));
    const chat = await openWebChat(gateway);
    const ogg = await encodeWithFfmpeg(await findFfmpeg(), toneWav(1, 48_000), "voice.ogg", ["-c:a", "libopus"]);
    await chat.say("", undefined, [(await chat.attach(ogg, "audio/ogg", "voice-note.ogg")).id!]);
    await chat.waitFor(() => chat.botMessages().some((message) => message.part.type === "audio"), 15_000);
    expect(chat.texts().some((text) => text.includes('a voice note that says "what time is it"'))).toBe(true);
    const speech = fake.speechRequests()[0]!.body!;
    expect(speech).toMatchObject({ model: "tts-1", voice: "nova", response_format: "opus" });
    expect(speech.input).toContain("what time is it");
    expect(speech.input).not.toContain("`");
    const audio = chat.botMessages().find((message) => message.part.type === "audio")!.part as { media: { url: string } };
    const bytes = new Uint8Array(await (await fetch(new URL(audio.media.url, gateway.url), { headers: ownerAuth(gateway) })).arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 4))).toBe("OggS");
    await chat.say("/status");
    await chat.waitFor(() => chat.texts().some((text) => text.includes("voice replies: openai (tts-1, nova)")));
    await chat.close();
  }, 30_000);

  it("answers a photo with the text it contains, read by OCR, for an agent that cannot see", async () => {
    ({ gateway } = await startTestGateway({}, { agent: createBuiltinAgent({ deltaDelayMs: 0 }) }));
    const chat = await openWebChat(gateway);
    const png = await renderStrokeText(["THE PRINTER DIED", "CALL ON TWO"]);
    const upload = await chat.attach(png, "image/png", "screenshot.png");
    await chat.say("what went wrong?", undefined, [upload.id!]);
    await chat.waitFor(() => chat.texts().some((text) => /an image that reads "[^"]*PRINTER DIED[^"]*CALL ON TWO/.test(text)), 30_000);
    await chat.close();
  }, 60_000);

  it("sends a downscaled photo to a vision model as an image part", async () => {
    fake = await startFakeOpenAI();
    fake.script({ type: "text", text: "A blue square." });
    ({ gateway } = await startTestGateway({
      OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "sk-test-fake", OPENAI_MODEL: "gpt-4o-mini", MEDIA_MAX_IMAGE_PX: "800",
    }));
    const sharp = (await import("sharp")).default;
    const photo = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: "#2050c0" } }).jpeg().toBuffer();
    const chat = await openWebChat(gateway);
    const upload = await chat.attach(photo, "image/jpeg", "photo.jpg");
    await chat.say("what is this?", undefined, [upload.id!]);
    await chat.waitFor(() => chat.texts().includes("A blue square."), 15_000);
    const content = fake.chatRequests()[0]!.body.messages.at(-1)!.content as { type: string; image_url?: { url: string } }[];
    expect(content[0]).toEqual({ type: "text", text: "what is this?" });
    const dataUrl = content[1]!.image_url!.url;
    expect(dataUrl.startsWith("data:image/jpeg;base64,")).toBe(true);
    const sent = await sharp(Buffer.from(dataUrl.split(",")[1]!, "base64")).metadata();
    expect([sent.width, sent.height]).toEqual([800, 600]);
    await chat.close();
  }, 30_000);
});

describe("voice notes in groups", () => {
  it("answer an unaddressed voice note only when it says the bot's name", async () => {
    fake = await startFakeOpenAI();
    fake.scriptTranscriptions({ type: "text", text: "lunch at noon anyone" }, { type: "text", text: "Hey Pincer bot, what is the time" });
    const platform = createChatPlatform();
    ({ gateway } = await startTestGateway(
      { STT_BASE_URL: fake.url, STT_API_KEY: "sk-test-fake-stt", PINCER_ALLOW_GROUPS: "chat:team" },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [platform.adapter] },
    ));
    const ogg = await encodeWithFfmpeg(await findFfmpeg(), toneWav(1, 48_000), "voice.ogg", ["-c:a", "libopus"]);
    await platform.deliver(platform.voice("carol", ogg, { chat: "team", kind: "group" }));
    await gateway.pipeline.idle();
    expect(platform.sent).toEqual([]);
    await platform.deliver(platform.voice("carol", ogg, { chat: "team", kind: "group" }));
    await gateway.pipeline.idle();
    expect(platform.texts()).toHaveLength(1);
    expect(platform.texts()[0]).toContain('a voice note that says "Hey Pincer bot, what is the time"');
    expect(fake.requests.filter((request) => request.endpoint === "transcriptions")).toHaveLength(2);
  }, 30_000);

  it("are not even transcribed in a group that has not paired", async () => {
    fake = await startFakeOpenAI();
    fake.scriptTranscriptions({ type: "text", text: "Hey Pincer bot, what is the time" });
    const platform = createChatPlatform();
    ({ gateway } = await startTestGateway(
      { STT_BASE_URL: fake.url, STT_API_KEY: "sk-test-fake-stt" },
      { agent: createBuiltinAgent({ deltaDelayMs: 0 }), extraAdapters: [platform.adapter] },
    ));
    const ogg = await encodeWithFfmpeg(await findFfmpeg(), toneWav(1, 48_000), "voice.ogg", ["-c:a", "libopus"]);
    await platform.deliver(platform.voice("carol", ogg, { chat: "strangers", kind: "group" }));
    await gateway.pipeline.idle();
    expect(platform.sent).toEqual([]);
    expect(fake.requests.filter((request) => request.endpoint === "transcriptions")).toHaveLength(0);
  }, 30_000);
});
