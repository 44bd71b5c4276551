import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { pcmToWav } from "../../../media/audio/wav.ts";

const run = promisify(execFile);

/** A pure tone as mono 16-bit PCM: no noise, so every codec keeps its pitch. */
export function tonePcm(durationSec: number, sampleRateHz: number, frequencyHz = 440): Uint8Array {
  const samples = new Int16Array(Math.round(durationSec * sampleRateHz));
  for (let i = 0; i < samples.length; i++) {
    samples[i] = Math.round(12_000 * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRateHz));
  }
  return new Uint8Array(samples.buffer);
}

export function toneWav(durationSec: number, sampleRateHz: number, frequencyHz = 440): Uint8Array {
  return pcmToWav(tonePcm(durationSec, sampleRateHz, frequencyHz), sampleRateHz);
}

/** Encodes a WAV with ffmpeg through files, as a phone app would write them (an M4A keeps its index at the end). */
export async function encodeWithFfmpeg(ffmpegPath: string, wav: Uint8Array, outputName: string, codecArgs: string[]): Promise<Uint8Array> {
  const directory = await mkdtemp(join(tmpdir(), "pincer-test-audio-"));
  try {
    const input = join(directory, "input.wav");
    const output = join(directory, outputName);
    await writeFile(input, wav);
    await run(ffmpegPath, ["-hide_banner", "-loglevel", "error", "-y", "-i", input, ...codecArgs, output]);
    return new Uint8Array(await readFile(output));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export interface WavFormat {
  audioFormat: number;
  channels: number;
  sampleRateHz: number;
  bitsPerSample: number;
  dataBytes: number;
  samples: Int16Array;
}

/** Reads a canonical 44-byte-header PCM WAV. */
export function readWav(wav: Uint8Array): WavFormat {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const text = (offset: number) => String.fromCharCode(...wav.subarray(offset, offset + 4));
  if (text(0) !== "RIFF" || text(8) !== "WAVE" || text(12) !== "fmt " || text(36) !== "data") throw new Error("not a canonical WAV");
  const dataBytes = view.getUint32(40, true);
  const data = wav.slice(44, 44 + dataBytes);
  return {
    audioFormat: view.getUint16(20, true),
    channels: view.getUint16(22, true),
    sampleRateHz: view.getUint32(24, true),
    bitsPerSample: view.getUint16(34, true),
    dataBytes,
    samples: new Int16Array(data.buffer, 0, Math.floor(data.length / 2)),
  };
}

/** The pitch of a tone from its zero crossings (two per period). */
export function estimateFrequencyHz(samples: Int16Array, sampleRateHz: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) {
    if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) crossings++;
  }
  return crossings / 2 / (samples.length / sampleRateHz);
}
