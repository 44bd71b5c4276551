import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { BridgeError } from "../../core/types/errors.ts";
import { runProcess, throwIfStopped } from "../audio/run-process.ts";
import { withTempDir } from "../temp-dir.ts";
import type { TextToSpeech } from "./text-to-speech.ts";
import { toVoiceNote } from "./voice-note.ts";

/** Debian's `espeak-ng` package: offline, robotic, but clear, in about a hundred languages. */
const defaultCommand = "espeak-ng";
const defaultVoice = "en-us";

export interface EspeakTtsOptions {
  /** An espeak-ng voice or language: en-us, en-gb, de, zh… (`espeak-ng --voices` lists them). */
  voice?: string;
  command?: string;
  /** For the whole reply, synthesis and conversion (default 60 s). */
  timeoutMs?: number;
  /** From `findFfmpeg()`; looked up on each reply when absent. */
  ffmpegPath?: string;
}

/**
 * True when espeak-ng runs and can speak with the voice: it says one letter quietly with it. (An
 * unknown voice fails; some names it half-knows, like "alloy", load but crash once speaking.)
 */
export async function isEspeakAvailable(options: { voice?: string; command?: string } = {}): Promise<boolean> {
  try {
    const result = await runProcess(options.command ?? defaultCommand, ["-v", options.voice ?? defaultVoice, "-q", "--stdin"], {
      input: new TextEncoder().encode("a"),
      signal: new AbortController().signal,
      timeoutMs: 10_000,
    });
    return result.stopReason === undefined && result.exitCode === 0;
  } catch {
    return false;
  }
}

const synthesisFailed = (detail: string) =>
  new BridgeError("internal", "Offline speech synthesis failed.", { cause: new Error(detail) });

/** Offline speech with espeak-ng, one process per reply; the text goes in on stdin, so nothing is quoted. */
export function createEspeakTts(options: EspeakTtsOptions = {}): TextToSpeech {
  const command = options.command ?? defaultCommand;
  const voice = options.voice ?? defaultVoice;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    name: `espeak-ng (${voice})`,
    async speak(text, signal) {
      if (signal.aborted) throw new BridgeError("aborted", "Stopped.");
      if (text.trim() === "") throw new BridgeError("bad-input", "There is nothing to say.");
      const startedAt = Date.now();
      return withTempDir(async (directory) => {
        const path = join(directory, "speech.wav");
        const result = await runProcess(command, ["-v", voice, "-w", path, "--stdin"], {
          input: new TextEncoder().encode(text),
          signal,
          timeoutMs,
        });
        throwIfStopped(result, "Making the voice reply took too long.");
        if (result.exitCode !== 0) throw synthesisFailed(`${command} exited with code ${result.exitCode}: ${result.stderrTail}`);
        // It exits with 0 even when it could not write the file.
        const wav = await readFile(path).catch((error: unknown) => {
          throw synthesisFailed(`${command} wrote no ${path}: ${result.stderrTail || String(error)}`);
        });
        const remainingMs = Math.max(1, timeoutMs - (Date.now() - startedAt));
        return toVoiceNote(new Uint8Array(wav), { signal, timeoutMs: remainingMs, ffmpegPath: options.ffmpegPath });
      });
    },
  };
}
