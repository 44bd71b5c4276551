import { beforeAll, describe, expect, it } from "vitest";
import { decodeToWav } from "../../../media/audio/decode.ts";
import { findFfmpeg } from "../../../media/audio/ffmpeg.ts";
import { readOggOpus } from "../../../media/audio/ogg-opus.ts";
import { toVoiceNote } from "../../../media/tts/voice-note.ts";
import { encodeWithFfmpeg, estimateFrequencyHz, readWav, toneWav } from "../audio/samples.ts";
import { rejection } from "../../support/rejection.ts";

const signal = new AbortController().signal;
let ffmpegPath: string;

beforeAll(async () => {
  ffmpegPath = await findFfmpeg();
});

describe("toVoiceNote turns what a synthesizer made into an OGG/Opus mono voice note", () => {
  const sources = [
    { what: "WAV at 22 kHz (espeak-ng)", name: "speech.wav", args: ["-ar", "22050"] },
    { what: "MP3 (OpenAI's default)", name: "speech.mp3", args: ["-c:a", "libmp3lame", "-b:a", "64k"] },
    { what: "stereo OGG/Opus", name: "speech.ogg", args: ["-ac", "2", "-c:a", "libopus", "-f", "ogg"] },
    { what: "FLAC", name: "speech.flac", args: ["-c:a", "flac"] },
    { what: "M4A with its index at the end", name: "speech.m4a", args: ["-c:a", "aac"] },
  ];

  it.each(sources)("from $what", async ({ name, args }) => {
    const audio = await encodeWithFfmpeg(ffmpegPath, toneWav(1.5, 44_100), name, args);
    const note = await toVoiceNote(audio, { signal, ffmpegPath });
    expect(note.mimeType).toBe("audio/ogg");
    expect(new TextDecoder().decode(note.bytes.subarray(0, 4))).toBe("OggS");
    expect(readOggOpus(note.bytes)?.channels).toBe(1);
    expect(note.durationSec).toBeCloseTo(1.5, 1);
    const decoded = await decodeToWav({ bytes: note.bytes, mimeType: note.mimeType }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeCloseTo(1.5, 1);
    const pitchHz = estimateFrequencyHz(readWav(decoded.wav).samples, 16_000);
    expect(pitchHz).toBeGreaterThan(400);
    expect(pitchHz).toBeLessThan(480);
  });

  it("finds ffmpeg itself when it is not given", async () => {
    const note = await toVoiceNote(toneWav(0.5, 16_000), { signal });
    expect(note.durationSec).toBeCloseTo(0.5, 1);
  });

  it("says the audio could not be converted when it is not audio, keeping ffmpeg's words for the log", async () => {
    const error = await rejection(toVoiceNote(new TextEncoder().encode("<html>Bad gateway</html>"), { signal, ffmpegPath }));
    expect(error.code).toBe("upstream");
    expect(error.message).toBe("The spoken answer came back in a form I could not turn into a voice note.");
    expect((error.cause as Error).message).toMatch(/^24 bytes starting 3c68746d6c3e.*ffmpeg exited with code 1/s);
  });

  it("stops when the run is stopped", async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(toVoiceNote(toneWav(1, 16_000), { signal: controller.signal, ffmpegPath }))).code).toBe("aborted");
  });

  it("kills ffmpeg when it takes too long", async () => {
    const error = await rejection(toVoiceNote(toneWav(30, 48_000), { signal, ffmpegPath, timeoutMs: 5 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toBe("Making the voice reply took too long.");
  });
});
