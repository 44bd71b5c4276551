import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import { audioContainer } from "./container.ts";
import { runFfmpeg } from "./ffmpeg.ts";
import { throwIfStopped } from "./run-process.ts";
import { decodeSilk, isSilk } from "./silk.ts";
import { pcmDurationSec, pcmToWav } from "./wav.ts";

/** What every speech-to-text provider gets: 16 kHz mono 16-bit PCM WAV. */
export const speechSampleRateHz = 16_000;

export interface DecodeOptions {
  signal: AbortSignal;
  /** From `findFfmpeg()`, looked up once; looked up on each call when absent. */
  ffmpegPath?: string;
  /** ffmpeg is killed past this (default 60 s). */
  timeoutMs?: number;
  /** Longer audio is refused, and decoding stops as soon as it is past (default: no limit). */
  maxDurationSec?: number;
}

export interface DecodedAudio {
  wav: Uint8Array;
  durationSec: number;
}

const couldNotDecode = "I could not decode this voice message.";

function undecodable(audio: FetchedMedia, detail: string, cause?: unknown): BridgeError {
  const what = [audio.mimeType, audio.fileName].filter(Boolean).join(", ");
  return new BridgeError("bad-input", couldNotDecode, { cause: new Error(`${what} (${audio.bytes.length} bytes): ${detail}`, { cause }) });
}

const stopped = () => new BridgeError("aborted", "Stopped.");

function tooLong(maxDurationSec: number): BridgeError {
  return new BridgeError("bad-input", `This voice message is too long for me: I take up to ${maxDurationSec} seconds.`);
}

const toPcmArgs = ["-vn", "-sn", "-dn", "-ac", "1", "-ar", String(speechSampleRateHz), "-c:a", "pcm_s16le", "-f", "s16le", "pipe:1"];

async function toPcm(audio: FetchedMedia, options: DecodeOptions): Promise<Uint8Array> {
  const maxOutputBytes = options.maxDurationSec === undefined ? undefined : Math.ceil(options.maxDurationSec * speechSampleRateHz) * 2;
  if (isSilk(audio.bytes)) {
    try {
      return await decodeSilk(audio.bytes, speechSampleRateHz);
    } catch (error) {
      throw undecodable(audio, "SILK decoding failed", error);
    }
  }
  const inputFormat = audioContainer(audio);
  if (!inputFormat) throw undecodable(audio, "not an audio container Pincer expects (OGG, AMR, MP4/M4A, WebM, WAV, MP3, AAC)");
  const result = await runFfmpeg(audio.bytes, toPcmArgs, {
    signal: options.signal,
    inputFormat,
    ...(options.ffmpegPath ? { ffmpegPath: options.ffmpegPath } : {}),
    timeoutMs: options.timeoutMs ?? 60_000,
    ...(maxOutputBytes === undefined ? {} : { maxOutputBytes }),
  });
  throwIfStopped(result, "Decoding this voice message took too long.", () => tooLong(options.maxDurationSec!));
  if (result.exitCode !== 0) throw undecodable(audio, `ffmpeg exited with code ${result.exitCode}: ${result.stderrTail}`);
  if (result.stdout.length === 0) throw undecodable(audio, `ffmpeg found no audio: ${result.stderrTail}`);
  return result.stdout;
}

/**
 * Decodes a voice message to 16 kHz mono WAV: SILK (WeChat) with silk-wasm, anything else with
 * ffmpeg (OGG/Opus from Telegram and Feishu, AMR from WeCom, M4A/MP4/WebM from Slack).
 * An undecodable file is a BridgeError("bad-input") whose message can go to the chat as it is.
 */
export async function decodeToWav(audio: FetchedMedia, options: DecodeOptions): Promise<DecodedAudio> {
  if (options.signal.aborted) throw stopped();
  const pcm = await toPcm(audio, options);
  if (options.signal.aborted) throw stopped();
  const durationSec = pcmDurationSec(pcm.length, speechSampleRateHz);
  if (durationSec === 0) throw undecodable(audio, "no audio in it");
  if (options.maxDurationSec !== undefined && durationSec > options.maxDurationSec) throw tooLong(options.maxDurationSec);
  return { wav: pcmToWav(pcm, speechSampleRateHz), durationSec };
}
