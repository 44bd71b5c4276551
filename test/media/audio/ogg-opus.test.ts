import { beforeAll, describe, expect, it } from "vitest";
import { findFfmpeg } from "../../../media/audio/ffmpeg.ts";
import { isOgg, readOggOpus } from "../../../media/audio/ogg-opus.ts";
import { encodeWithFfmpeg, toneWav } from "./samples.ts";

let ffmpegPath: string;

beforeAll(async () => {
  ffmpegPath = await findFfmpeg();
});

describe("readOggOpus", () => {
  it.each([
    { what: "a Telegram-style mono voice note", seconds: 2.5, args: ["-c:a", "libopus", "-b:a", "24k", "-f", "ogg"], channels: 1 },
    { what: "stereo made from 16 kHz audio (granules still count 48 kHz samples)", seconds: 1.2, args: ["-ac", "2", "-ar", "16000", "-c:a", "libopus", "-f", "ogg"], channels: 2 },
    { what: "a long one spanning many pages", seconds: 40, args: ["-c:a", "libopus", "-f", "ogg"], channels: 1 },
  ])("reads the channels and duration of $what", async ({ seconds, args, channels }) => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, toneWav(seconds, 48_000), "voice.ogg", args);
    const info = readOggOpus(bytes);
    expect(info?.channels).toBe(channels);
    expect(info?.preSkip).toBeGreaterThan(0);
    expect(info?.durationSec).toBeCloseTo(seconds, 1);
  });

  it("knows an OGG/Vorbis file is not Opus", async () => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, toneWav(1, 48_000), "voice.ogg", ["-c:a", "libvorbis", "-f", "ogg"]);
    expect(isOgg(bytes)).toBe(true);
    expect(readOggOpus(bytes)).toBeUndefined();
  });

  it("gives undefined for a WAV, an empty file and a file cut after its first page", async () => {
    const wav = toneWav(1, 16_000);
    expect(readOggOpus(wav)).toBeUndefined();
    expect(readOggOpus(new Uint8Array(0))).toBeUndefined();
    const ogg = await encodeWithFfmpeg(ffmpegPath, wav, "voice.ogg", ["-c:a", "libopus", "-f", "ogg"]);
    const firstPageBytes = 27 + ogg[26]! + ogg.subarray(27, 27 + ogg[26]!).reduce((sum, size) => sum + size, 0);
    expect(readOggOpus(ogg.subarray(0, firstPageBytes + 10))).toBeUndefined();
  });
});
