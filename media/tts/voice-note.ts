import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import { needsSeekableInput } from "../audio/decode.ts";
import { findFfmpeg } from "../audio/ffmpeg.ts";
import { readOggOpus } from "../audio/ogg-opus.ts";
import { runProcess, type ProcessResult } from "../audio/run-process.ts";
import type { VoiceNote } from "./text-to-speech.ts";

export interface VoiceNoteOptions {
  signal: AbortSignal;
  /** From `findFfmpeg()`, looked up once; looked up on each call when absent. */
  ffmpegPath?: string;
  /** ffmpeg is killed past this (default 60 s). */
  timeoutMs?: number;
}

/** Speech-grade Opus at 48 kHz mono, the rate Opus always decodes at and Telegram expects. */
const toOggOpusArgs = [
  ...["-map", "0:a:0", "-map_metadata", "-1", "-ac", "1", "-ar", "48000"],
  ...["-c:a", "libopus", "-b:a", "32k", "-application", "voip", "-f", "ogg", "pipe:1"],
];

async function runFfmpeg(audio: Uint8Array, options: VoiceNoteOptions): Promise<ProcessResult> {
  const ffmpegPath = options.ffmpegPath ?? (await findFfmpeg(options.signal));
  const run = (inputArg: string, input?: Uint8Array) =>
    runProcess(ffmpegPath, ["-hide_banner", "-nostats", "-loglevel", "error", "-i", inputArg, ...toOggOpusArgs], {
      input,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 60_000,
    });
  if (!needsSeekableInput(audio)) return run("pipe:0", audio);
  const directory = await mkdtemp(join(tmpdir(), "pincer-tts-"));
  try {
    const path = join(directory, "speech");
    await writeFile(path, audio);
    return await run(path);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function unconvertible(audio: Uint8Array, detail: string): BridgeError {
  const head = Buffer.from(audio.subarray(0, 16)).toString("hex");
  return new BridgeError("upstream", "The spoken answer came back in a form I could not turn into a voice note.", {
    cause: new Error(`${audio.length} bytes starting ${head}: ${detail}`),
  });
}

/**
 * Re-encodes whatever audio a speech synthesizer made (WAV, MP3, Opus, AAC…) into an OGG/Opus
 * voice note, and reads its duration from the result's last granule position.
 */
export async function toVoiceNote(audio: Uint8Array, options: VoiceNoteOptions): Promise<VoiceNote> {
  if (options.signal.aborted) throw new BridgeError("aborted", "Stopped.");
  const result = await runFfmpeg(audio, options);
  switch (result.stopReason) {
    case "aborted":
      throw new BridgeError("aborted", "Stopped.");
    case "timeout":
    case "output-limit":
      throw new BridgeError("timeout", "Making the voice reply took too long.", { cause: new Error(result.stderrTail) });
    case undefined:
      break;
    default:
      assertNever(result.stopReason);
  }
  if (result.exitCode !== 0) throw unconvertible(audio, `ffmpeg exited with code ${result.exitCode}: ${result.stderrTail}`);
  const info = readOggOpus(result.stdout);
  if (!info || info.durationSec === 0) throw unconvertible(audio, `ffmpeg made no OGG/Opus audio: ${result.stderrTail}`);
  return { bytes: result.stdout, mimeType: "audio/ogg", durationSec: info.durationSec };
}
