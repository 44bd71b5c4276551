import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeToWav } from "../../media/audio/decode.ts";
import { findFfmpeg } from "../../media/audio/ffmpeg.ts";
import { readOggOpus } from "../../media/audio/ogg-opus.ts";
import { createPocketsphinxStt, isPocketsphinxAvailable } from "../../media/stt/pocketsphinx.ts";
import { chooseTts } from "../../media/tts/choose.ts";
import { isEspeakAvailable } from "../../media/tts/espeak.ts";
import type { TextToSpeech } from "../../media/tts/text-to-speech.ts";

const signal = new AbortController().signal;

/** Offline voice replies: text → espeak-ng → an OGG/Opus voice note a chat app (and a recognizer) can play back. */
describe("a voice reply spoken offline by espeak-ng", () => {
  let tts: TextToSpeech;
  let ffmpegPath: string;

  beforeAll(async () => {
    if (!(await isEspeakAvailable())) throw new Error("Missing espeak-ng: apt-get install espeak-ng");
    ffmpegPath = await findFfmpeg();
    tts = (await chooseTts({ provider: "espeak-ng", espeak: { voice: "en-us" } }))!;
  });

  it("is an OGG/Opus mono voice note that decodes to the length it claims", async () => {
    const note = await tts.speak("The build is green and all tests pass.", signal);
    expect(new TextDecoder().decode(note.bytes.subarray(0, 4))).toBe("OggS");
    expect(readOggOpus(note.bytes)?.channels).toBe(1);
    const decoded = await decodeToWav({ bytes: note.bytes, mimeType: note.mimeType, fileName: "reply.oga" }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeGreaterThan(0.5);
    expect(decoded.durationSec).toBeCloseTo(note.durationSec, 1);
  });

  it("says words a recognizer hears back", async () => {
    if (!(await isPocketsphinxAvailable())) throw new Error("Missing pocketsphinx: apt-get install pocketsphinx pocketsphinx-en-us");
    const directory = await mkdtemp(join(tmpdir(), "pincer-tts-"));
    try {
      const grammarPath = join(directory, "commands.gram");
      await writeFile(grammarPath, "#JSGF V1.0;\ngrammar commands;\npublic <command> = turn on the lights | turn off the lights | what time is it;\n");
      const note = await tts.speak("Turn on the lights.", signal);
      const { wav } = await decodeToWav({ bytes: note.bytes, mimeType: note.mimeType }, { signal, ffmpegPath });
      expect(await createPocketsphinxStt({ grammarPath }).transcribe(wav, signal)).toBe("turn on the lights");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("is refused at start-up, with the voices to look at, when the voice does not exist", async () => {
    const error = await chooseTts({ provider: "espeak-ng", espeak: { voice: "alloy" } }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: "config", message: expect.stringContaining('voice "alloy" (TTS_VOICE)') });
  });
});
