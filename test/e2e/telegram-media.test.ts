import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createBuiltinAgent } from "../../agents/builtin/index.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { findFfmpeg } from "../../media/audio/ffmpeg.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai-server.ts";
import { startFakeBotApi, type FakeBotApi } from "../fakes/telegram-bot-api.ts";
import { encodeWithFfmpeg, toneWav } from "../media/audio/samples.ts";
import { eventually } from "../support/eventually.ts";
import { renderStrokeText } from "../support/stroke-text.ts";
import { alice, messageUpdate, recordingAgent, startTelegramGateway, textUpdate } from "../support/telegram.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

let gateway: Gateway | undefined;
let fake: FakeBotApi | undefined;
let openai: FakeOpenAI | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  await openai?.close();
  gateway = undefined;
  fake = undefined;
  openai = undefined;
});

const builtin = () => createBuiltinAgent({ deltaDelayMs: 0 });
const opusVoice = async (seconds: number) => encodeWithFfmpeg(await findFfmpeg(), toneWav(seconds, 48_000), "voice.ogg", ["-c:a", "libopus"]);

function voiceUpdate(fake: FakeBotApi, ogg: Uint8Array, durationSec: number) {
  const fileId = fake.addFile(ogg, "voice/file_1.oga");
  return messageUpdate({ voice: { file_id: fileId, file_unique_id: `u${fileId}`, duration: durationSec, mime_type: "audio/ogg", file_size: ogg.length } });
}

function photoUpdate(fake: FakeBotApi, bytes: Uint8Array, caption?: string) {
  const small = fake.addFile(bytes.slice(0, 10), "photos/small.jpg");
  const large = fake.addFile(bytes, "photos/large.jpg");
  return messageUpdate({
    photo: [
      { file_id: small, file_unique_id: "s", width: 90, height: 60, file_size: 10 },
      { file_id: large, file_unique_id: "l", width: 900, height: 600, file_size: bytes.length },
    ],
    ...(caption ? { caption } : {}),
  });
}

describe("Telegram voice notes and photos, through the fake Bot API and the real gateway", () => {
  it("gives a voice note (OGG/Opus downloaded from the file server) to the agent as an audio attachment with its transcript", async () => {
    fake = await startFakeBotApi();
    openai = await startFakeOpenAI();
    openai.scriptTranscriptions({ type: "text", text: "turn on the lights" });
    const { agent, inputs } = recordingAgent(() => [{ type: "text-delta", text: "ok" }]);
    ({ gateway } = await startTelegramGateway(fake, { STT_PROVIDER: "openai", STT_BASE_URL: openai.url, STT_API_KEY: "sk-test-fake-stt" }, { agent }));
    const ogg = await opusVoice(1.2);
    fake.push(voiceUpdate(fake, ogg, 1));
    await eventually(() => fake!.textsIn(alice.id).includes("ok"), 15_000);
    expect(inputs[0]!.attachments).toEqual([
      expect.objectContaining({ type: "audio", isVoiceNote: true, transcript: "turn on the lights", media: expect.objectContaining({ platform: "telegram", mimeType: "audio/ogg" }) }),
    ]);
    expect(fake.callsOf("getFile")).toHaveLength(1);
    expect(fake.callsOf("download")[0]!.path).toBe(`/file/bot${fake.token}/voice/file_1.oga`);
    expect(openai.requests.filter((request) => request.endpoint === "transcriptions")).toHaveLength(1);
  }, 30_000);

  it("answers a voice note with its transcript (built-in agent), and with a voice note too when TTS_PROVIDER is set", async () => {
    fake = await startFakeBotApi();
    openai = await startFakeOpenAI();
    openai.scriptTranscriptions({ type: "text", text: "what time is it" });
    ({ gateway } = await startTelegramGateway(
      fake,
      { STT_PROVIDER: "openai", STT_BASE_URL: openai.url, STT_API_KEY: "sk-test-fake-stt", TTS_PROVIDER: "openai" },
      { agent: builtin() },
    ));
    fake.push(voiceUpdate(fake, await opusVoice(1), 1));
    await eventually(() => fake!.textsIn(alice.id).some((text) => text.includes('a voice note that says "what time is it"')), 15_000);
    await fake.waitFor((calls) => calls.some((call) => call.apiMethod === "sendVoice"), 15_000);
    const voice = fake.callsOf("sendVoice")[0]!;
    expect(voice.params.chat_id).toBe(String(alice.id));
    expect(new TextDecoder().decode(voice.files.voice!.bytes.slice(0, 4))).toBe("OggS");
  }, 30_000);

  it("answers a photo with the text it contains, read by OCR, for the built-in agent", async () => {
    fake = await startFakeBotApi();
    ({ gateway } = await startTelegramGateway(fake, {}, { agent: builtin() }));
    const png = await renderStrokeText(["THE PRINTER DIED", "CALL ON TWO"]);
    fake.push(photoUpdate(fake, png, "what went wrong?"));
    await eventually(() => fake!.textsIn(alice.id).some((text) => /an image that reads "[^"]*PRINTER DIED[^"]*CALL ON TWO/.test(text)), 40_000);
    expect(fake.textsIn(alice.id)[0]).toContain('"what went wrong?"');
    expect(fake.callsOf("download").map((call) => call.path)).toEqual([`/file/bot${fake.token}/photos/large.jpg`]);
  }, 60_000);

  it("gives a photo to an agent that sees as an image (the largest size)", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent(() => [{ type: "text-delta", text: "a picture" }], { acceptsImages: true });
    ({ gateway } = await startTelegramGateway(fake, {}, { agent }));
    const sharp = (await import("sharp")).default;
    const jpeg = await sharp({ create: { width: 900, height: 600, channels: 3, background: "#2050c0" } }).jpeg().toBuffer();
    fake.push(photoUpdate(fake, jpeg));
    await eventually(() => fake!.textsIn(alice.id).includes("a picture"), 15_000);
    expect(inputs[0]!.attachments).toEqual([expect.objectContaining({ type: "image", width: 900, height: 600 })]);
    expect(inputs[0]!.images).toHaveLength(1);
  }, 30_000);

  it("refuses a file over the Bot API's 20 MB download limit politely, without downloading it", async () => {
    fake = await startFakeBotApi();
    const { agent } = recordingAgent(() => [{ type: "text-delta", text: "answered" }], { acceptsImages: true });
    ({ gateway } = await startTelegramGateway(fake, { MEDIA_MAX_BYTES: "100000000" }, { agent }));
    const update = messageUpdate({ photo: [{ file_id: "huge", file_unique_id: "h", width: 8000, height: 6000, file_size: 25_000_000 }], caption: "look" });
    fake.push(update);
    await eventually(() => fake!.textsIn(alice.id).some((text) => text.includes("too big")), 10_000);
    expect(fake.callsOf("getFile")).toHaveLength(0);
    expect(fake.textsIn(alice.id).find((text) => text.includes("too big"))).toContain("20 MB");
  }, 15_000);
});

describe("Telegram replies with media and buttons", () => {
  it("uploads a local image with sendPhoto (multipart) and its caption as HTML", async () => {
    fake = await startFakeBotApi();
    const path = join(tempDataDir(), "chart.png");
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3, 4]);
    writeFileSync(path, bytes);
    const { agent } = recordingAgent(() => [
      { type: "artifact", part: { type: "image", media: { platform: "local", id: path, mimeType: "image/png", fileName: "chart.png" }, caption: "**chart** of x < y" } },
      { type: "artifact", part: { type: "file", media: { platform: "local", id: path, mimeType: "image/png", fileName: "chart.png" } } },
    ]);
    ({ gateway } = await startTelegramGateway(fake, {}, { agent }));
    fake.push(textUpdate("draw"));
    await fake.waitFor((calls) => calls.some((call) => call.apiMethod === "sendDocument"), 10_000);
    const photo = fake.callsOf("sendPhoto")[0]!;
    expect(photo.files.photo).toMatchObject({ name: "chart.png" });
    expect([...photo.files.photo!.bytes]).toEqual([...bytes]);
    expect(photo.params).toMatchObject({ caption: "<b>chart</b> of x &lt; y", parse_mode: "HTML" });
    expect(fake.callsOf("sendDocument")[0]!.files.document).toMatchObject({ name: "chart.png" });
  }, 15_000);

  it("shows buttons as an inline keyboard and turns a press into the command it stands for", async () => {
    fake = await startFakeBotApi();
    const { agent, inputs } = recordingAgent((input) =>
      input.text === "/echo pressed"
        ? [{ type: "text-delta", text: "you pressed it" }]
        : [{ type: "artifact", part: { type: "buttons", text: "Choose:", buttons: [{ id: "echo pressed", label: "Press me" }] } }],
    );
    ({ gateway } = await startTelegramGateway(fake, {}, { agent }));
    fake.push(textUpdate("menu"));
    await eventually(() => fake!.sent.length === 1);
    expect(fake.sent[0]!.params.reply_markup).toEqual({ inline_keyboard: [[{ text: "Press me", callback_data: "echo pressed" }]] });
    const query = { id: "4242", from: alice, data: "echo pressed", chat_instance: "1", message: { message_id: fake.sent[0]!.messageId, from: { id: fake.bot.id, is_bot: true, first_name: "Bot" }, chat: { id: alice.id, type: "private" }, date: 1, text: "Choose:" } };
    fake.push({ callback_query: query });
    fake.push({ callback_query: query });
    await eventually(() => fake!.textsIn(alice.id).includes("you pressed it"));
    await fake.waitFor((calls) => calls.filter((call) => call.apiMethod === "answerCallbackQuery").length === 2);
    await gateway.pipeline.idle();
    expect(fake.callsOf("answerCallbackQuery")[0]!.params).toMatchObject({ callback_query_id: "4242" });
    expect(inputs.map((input) => input.text)).toEqual(["menu", "/echo pressed"]);
  }, 15_000);
});
