import { readFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../core/config.ts";
import type { MediaPort } from "../../../core/media.ts";
import { decodeSilk, isSilk } from "../../../media/audio/silk.ts";
import { createMedia } from "../../../media/index.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai-server.ts";
import { tempDataDir } from "../../support/web-chat-client.ts";

let fake: FakeOpenAI;
let media: MediaPort;
const signal = new AbortController().signal;

beforeEach(async () => {
  fake = await startFakeOpenAI();
  const config = loadConfig({ STT_PROVIDER: "none", TTS_PROVIDER: "openai", TTS_BASE_URL: fake.url, TTS_API_KEY: "sk-test-fake" });
  media = await createMedia(config.media, tempDataDir());
});
afterEach(async () => {
  await media.close();
  await fake.close();
});

describe("a spoken answer in the platform's voice format", () => {
  it("is an OGG/Opus voice note by default", async () => {
    const spoken = await media.speak("The build is green.", signal);
    expect(spoken.media).toMatchObject({ platform: "local", mimeType: "audio/ogg", fileName: "voice-reply.ogg" });
    expect(new TextDecoder().decode((await readFile(spoken.media.id)).subarray(0, 4))).toBe("OggS");
  });

  it("is WeChat SILK (with its 0x02 byte) of the same length when the platform plays SILK", async () => {
    // The fake speaks one second of tone whatever it is asked.
    const spoken = await media.speak("The build is green.", signal, "silk");
    expect(spoken.media).toMatchObject({ platform: "local", mimeType: "audio/silk", fileName: "voice-reply.sil" });
    const bytes = await readFile(spoken.media.id);
    expect(bytes[0]).toBe(0x02);
    expect(isSilk(bytes)).toBe(true);
    expect(spoken.durationSec).toBeCloseTo(1, 1);
    const pcm = await decodeSilk(bytes, 16_000);
    expect(pcm.length / 2 / 16_000).toBeCloseTo(1, 1);
  });
});
