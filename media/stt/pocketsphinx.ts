import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BridgeError } from "../../core/types/errors.ts";
import { runProcess, throwIfStopped } from "../audio/run-process.ts";
import { withTempDir } from "../temp-dir.ts";
import type { SpeechToText } from "./speech-to-text.ts";

/** Debian's `pocketsphinx` package (0.8+5prealpha); its US English model is `pocketsphinx-en-us`. */
const defaultCommand = "pocketsphinx_continuous";

export interface PocketsphinxSttOptions {
  /** A JSGF grammar of the phrases to expect: short spoken commands then come out right. */
  grammarPath?: string;
  command?: string;
  /** The recognizer is killed past this (default 60 s). */
  timeoutMs?: number;
}

/**
 * True when the recognizer and its model are installed: it is run on an empty input, which
 * succeeds only when the model loads.
 */
export async function isPocketsphinxAvailable(command = defaultCommand): Promise<boolean> {
  try {
    const result = await runProcess(command, ["-infile", "/dev/null", "-logfn", "/dev/null"], {
      signal: new AbortController().signal,
      timeoutMs: 10_000,
    });
    return result.stopReason === undefined && result.exitCode === 0;
  } catch {
    return false;
  }
}

/** Offline recognition with CMU PocketSphinx, one process per voice message. */
export function createPocketsphinxStt(options: PocketsphinxSttOptions = {}): SpeechToText {
  const command = options.command ?? defaultCommand;
  const grammarArgs = options.grammarPath ? ["-jsgf", options.grammarPath] : [];
  return {
    name: "pocketsphinx",
    async transcribe(wav, signal) {
      if (signal.aborted) throw new BridgeError("aborted", "Stopped.");
      // It reads only files, and knows a WAV by its name.
      return withTempDir(async (directory) => {
        const path = join(directory, "voice.wav");
        await writeFile(path, wav);
        const result = await runProcess(command, ["-infile", path, "-logfn", "/dev/null", ...grammarArgs], {
          signal,
          timeoutMs: options.timeoutMs ?? 60_000,
        });
        throwIfStopped(result, "Transcribing this voice message took too long.");
        if (result.exitCode !== 0) {
          const detail = `${command} exited with code ${result.exitCode}: ${result.stderrTail || "(no output; its log goes to /dev/null)"}`;
          throw new BridgeError("internal", "Offline speech recognition failed.", { cause: new Error(detail) });
        }
        // One line per utterance it heard.
        return new TextDecoder()
          .decode(result.stdout)
          .split("\n")
          .map((line) => line.trim())
          .filter(Boolean)
          .join(" ");
      });
    },
  };
}
