import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BridgeError } from "../../core/types/errors.ts";
import { withTempDir } from "../temp-dir.ts";
import { runProcess, type ProcessResult } from "./run-process.ts";

/** Optional dependency: named through a variable so that type checking works without it. */
const installerPackage = "@ffmpeg-installer/ffmpeg";

async function isOnPath(command: string, signal: AbortSignal): Promise<boolean> {
  try {
    const result = await runProcess(command, ["-hide_banner", "-version"], { signal, timeoutMs: 10_000 });
    return result.stopReason === undefined && result.exitCode === 0;
  } catch {
    return false; // not installed
  }
}

async function installedByNpm(): Promise<string | undefined> {
  try {
    const installer = (await import(installerPackage)) as { default?: { path?: unknown } };
    const path = installer.default?.path;
    return typeof path === "string" ? path : undefined;
  } catch {
    // Not installed, or no binary for this platform (the package throws a string then).
    return undefined;
  }
}

/**
 * The ffmpeg to decode voice with: `ffmpeg` on PATH first (the system's, usually with every codec),
 * else the binary `@ffmpeg-installer/ffmpeg` brought with `npm ci`. Look it up once and pass the
 * path around: each call starts a process.
 */
export async function findFfmpeg(signal: AbortSignal = new AbortController().signal): Promise<string> {
  if (await isOnPath("ffmpeg", signal)) return "ffmpeg";
  const path = await installedByNpm();
  if (path) return path;
  throw new BridgeError(
    "unsupported",
    "Voice messages need ffmpeg: install it (apt-get install ffmpeg) or run npm ci without --omit=optional.",
  );
}

/** MP4/M4A (ISO BMFF) often keeps its index after the audio, which ffmpeg cannot reach through a pipe. */
function needsSeekableInput(bytes: Uint8Array): boolean {
  return new TextDecoder("latin1").decode(bytes.subarray(4, 8)) === "ftyp";
}

export interface FfmpegOptions {
  signal: AbortSignal;
  /** From `findFfmpeg()`, looked up once; looked up on each call when absent. */
  ffmpegPath?: string;
  /** ffmpeg is killed past this (default 60 s). */
  timeoutMs?: number;
  maxOutputBytes?: number;
}

/** Runs ffmpeg on audio held in memory, writing to stdout per `outputArgs`; MP4 goes through a temp file. */
export async function runFfmpeg(audio: Uint8Array, outputArgs: readonly string[], options: FfmpegOptions): Promise<ProcessResult> {
  const ffmpegPath = options.ffmpegPath ?? (await findFfmpeg(options.signal));
  const run = (inputArg: string, input?: Uint8Array) =>
    runProcess(ffmpegPath, ["-hide_banner", "-nostats", "-loglevel", "error", "-i", inputArg, ...outputArgs], {
      ...(input ? { input } : {}),
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
    });
  if (!needsSeekableInput(audio)) return run("pipe:0", audio);
  return withTempDir(async (directory) => {
    const path = join(directory, "input");
    await writeFile(path, audio);
    return run(path);
  });
}
