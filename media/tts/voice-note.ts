import { BridgeError } from "../../core/types/errors.ts";
import { runFfmpeg } from "../audio/ffmpeg.ts";
import { readOggOpus } from "../audio/ogg-opus.ts";
import { throwIfStopped } from "../audio/run-process.ts";
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
  const result = await runFfmpeg(audio, toOggOpusArgs, options);
  throwIfStopped(result, "Making the voice reply took too long.");
  if (result.exitCode !== 0) throw unconvertible(audio, `ffmpeg exited with code ${result.exitCode}: ${result.stderrTail}`);
  const info = readOggOpus(result.stdout);
  if (!info || info.durationSec === 0) throw unconvertible(audio, `ffmpeg made no OGG/Opus audio: ${result.stderrTail}`);
  return { bytes: result.stdout, mimeType: "audio/ogg", durationSec: info.durationSec };
}
