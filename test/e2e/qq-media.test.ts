import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { MediaPort } from "../../core/media.ts";
import { turnText } from "../../core/prompt-text.ts";
import type { Gateway } from "../../gateway/gateway.ts";
import { startFakeQq, type FakeQq } from "../fakes/qq.ts";
import { eventually } from "../support/eventually.ts";
import { emit, fakeAgent } from "../support/fake-agent.ts";
import { derivedSeqs, startQqGateway } from "../support/qq.ts";
import { scriptedAgent } from "../support/weixin-gateway.ts";

let gateway: Gateway | undefined;
let fake: FakeQq | undefined;
afterEach(async () => {
  await gateway?.stop();
  await fake?.close();
  gateway = fake = undefined;
});

/** A media port that records what it was given: transcripts are "heard <n> bytes", images pass through. */
function recordingMedia() {
  const heard: Buffer[] = [];
  const images: Buffer[] = [];
  const media: MediaPort = {
    sttName: "fake-stt",
    ttsName: "none",
    transcribe: async (audio) => {
      heard.push(Buffer.from(audio.bytes));
      return { text: "turn on the lights", durationSec: 1 } as never;
    },
    readText: async () => "",
    prepareImage: async (image) => {
      images.push(Buffer.from(image.bytes));
      return { mimeType: "image/png", base64: Buffer.from(image.bytes).toString("base64"), width: 1, height: 1 };
    },
    speak: async () => {
      throw new Error("no speech");
    },
    close: async () => undefined,
  };
  return { media, heard, images };
}

describe("QQ media", () => {
  it("uses QQ's own speech text of a voice message, and transcribes the downloaded SILK when there is none", async () => {
    fake = await startFakeQq();
    const { media, heard } = recordingMedia();
    const { agent, inputs } = scriptedAgent((input) => `heard: ${turnText(input)}`);
    const started = await startQqGateway(fake, {}, { agent, media });
    gateway = started.gateway;
    const silk = Buffer.from("#!SILK_V3 fake voice body");
    const url = fake.serveMedia("voice-1.silk", silk, "audio/silk");
    await fake.deliver(started.webhookUrl, fake.events.c2c("", { attachments: [{ content_type: "voice", url, filename: "voice-1.silk", size: silk.length, asr_refer_text: "what is the weather tomorrow" }] }));
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(inputs[0]?.attachments[0]).toMatchObject({ type: "audio", isVoiceNote: true, transcript: "what is the weather tomorrow" });
    expect(turnText(inputs[0]!)).toBe("[voice message, transcript] what is the weather tomorrow");
    expect(heard).toHaveLength(0);

    await fake.deliver(started.webhookUrl, fake.events.c2c("", { attachments: [{ content_type: "voice", url, filename: "voice-1.silk", size: silk.length }] }));
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.equals(silk)).toBe(true);
    expect(fake.textsIn(`user:${fake.openids.user}`)[1]).toMatch(/turn on the lights/);
  });

  it("downloads an inbound image so its bytes reach the agent", async () => {
    fake = await startFakeQq();
    const { media, images } = recordingMedia();
    const { agent, inputs } = scriptedAgent((input) => `got ${input.images.length} image`, 0, true);
    const started = await startQqGateway(fake, {}, { agent, media });
    gateway = started.gateway;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("fake image body for the test")]);
    const url = fake.serveMedia("photo.png", png, "image/png");
    await fake.deliver(started.webhookUrl, fake.events.groupAt("what is this?", { attachments: [{ content_type: "image/png", url, filename: "photo.png", width: 1, height: 1, size: png.length }] }));
    await eventually(() => fake!.sent.length === 1, 4000);
    expect(images[0]?.equals(png)).toBe(true);
    expect(Buffer.from(inputs[0]!.images[0]!.base64, "base64").equals(png)).toBe(true);
    expect(fake.textsIn(`group:${fake.openids.group}`)).toEqual(["got 1 image"]);
  });

  it("sends an agent's file through the rich-media upload, then as msg_type 7 replying to the message", async () => {
    fake = await startFakeQq();
    const path = join(mkdtempSync(join(tmpdir(), "qq-out-")), "report.txt");
    writeFileSync(path, "the quarterly report, in plain text");
    const { agent } = fakeAgent(
      () => [emit({ type: "artifact", part: { type: "file", media: { platform: "local", id: path, fileName: "report.txt", mimeType: "text/plain" }, caption: "Here it is" } })],
      { id: "files" },
    );
    const started = await startQqGateway(fake, {}, { agent });
    gateway = started.gateway;
    const asked = fake.events.c2c("send me the report");
    await fake.deliver(started.webhookUrl, asked);
    await eventually(() => fake!.sent.length === 2, 4000);
    expect(fake.uploads).toHaveLength(1);
    expect(fake.uploads[0]!.path).toBe(`/v2/users/${fake.openids.user}/files`);
    expect(fake.uploads[0]!.body).toMatchObject({ file_type: 4, srv_send_msg: false });
    expect(Buffer.from(fake.uploads[0]!.body.file_data, "base64").toString()).toBe("the quarterly report, in plain text");
    expect(fake.sent[0]!.body).toMatchObject({ msg_type: 0, content: "Here it is", msg_id: asked.d.id });
    expect(fake.sent[1]!.body).toMatchObject({ msg_type: 7, media: { file_info: expect.stringMatching(/^file-info-/) }, msg_id: asked.d.id });
    derivedSeqs(fake.sent);
  });

  it("refuses an image past MEDIA_MAX_BYTES politely, without downloading it", async () => {
    fake = await startFakeQq();
    const { media, images } = recordingMedia();
    const { agent } = scriptedAgent((input) => `got ${input.images.length} image`, 0, true);
    const started = await startQqGateway(fake, { MEDIA_MAX_BYTES: "1000" }, { agent, media });
    gateway = started.gateway;
    const url = fake.serveMedia("big.png", Buffer.alloc(5000, 1), "image/png");
    await fake.deliver(started.webhookUrl, fake.events.c2c("look", { attachments: [{ content_type: "image/png", url, filename: "big.png", size: 5000 }] }));
    await eventually(() => fake!.textsIn(`user:${fake!.openids.user}`).some((text) => /too big/.test(text)), 4000);
    expect(images).toHaveLength(0);
    expect(fake.mediaHits).toEqual([]);
  });
});
