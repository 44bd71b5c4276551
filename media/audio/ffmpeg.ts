import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BridgeError } from "../../core/types/errors.ts";
import { withTempDir } from "../temp-dir.ts";
import { sniffContainer, type AudioContainer } from "./container.ts";
import { runProcess, type ProcessResult } from "./run-process.ts";

/** Optional dependency: named through a variable so that type checking works without it. */
const installerPackage = "@ffmpeg-installer/ffmpeg";

async function runs(command: string, signal: AbortSignal): Promise<boolean> {
  try {
    const result = await runProcess(command, ["-hide_banner", "-version"], { signal, timeoutMs: 10_000 });
    return result.stopReason === undefined && result.exitCode === 0;
  } catch {
    return false; // not installed
  }
}

/** The decoders voice needs, each as alternatives: Opus (Telegram, Feishu, Slack WebM), AMR-NB (WeCom), AAC (Slack M4A). */
const neededDecoders = [["opus", "libopus"], ["amrnb", "libopencore_amrnb"], ["aac"]] as const;

/** Whether `command` runs and decodes every format the platforms send (`ffmpeg -decoders`). */
export async function hasNeededDecoders(command: string, signal: AbortSignal): Promise<boolean> {
  try {
    const result = await runProcess(command, ["-hide_banner", "-decoders"], { signal, timeoutMs: 10_000 });
    if (result.stopReason !== undefined || result.exitCode !== 0) return false;
    const names = new Set([...new TextDecoder().decode(result.stdout).matchAll(/^\s*A[.\w]{5}\s+(\S+)/gm)].map((match) => match[1]));
    return neededDecoders.every((alternatives) => alternatives.some((name) => names.has(name)));
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

export interface FindFfmpegOptions {
  /** The system's ffmpeg (default `ffmpeg`, looked up on PATH). */
  systemCommand?: string;
  /** The bundled binary (default: from `@ffmpeg-installer/ffmpeg`, when installed). */
  bundledPath?: () => Promise<string | undefined>;
}

/**
 * The ffmpeg to decode voice with: the system's (`ffmpeg` on PATH, kept up to date by the OS) when it
 * has every decoder voice needs, else the binary `@ffmpeg-installer/ffmpeg` brought with `npm ci` (a
 * 2018 build), else a system ffmpeg without some decoders. Each call starts processes: the callers
 * look it up once and pass the path around.
 */
export async function findFfmpeg(signal: AbortSignal = new AbortController().signal, options: FindFfmpegOptions = {}): Promise<string> {
  const system = options.systemCommand ?? "ffmpeg";
  if (await hasNeededDecoders(system, signal)) return system;
  const bundled = await (options.bundledPath ?? installedByNpm)();
  if (bundled) return bundled;
  if (await runs(system, signal)) return system;
  throw new BridgeError(
    "unsupported",
    "Voice messages need ffmpeg: install it (apt-get install ffmpeg) or run npm ci without --omit=optional.",
  );
}

export interface FfmpegOptions {
  signal: AbortSignal;
  /** From `findFfmpeg()`, looked up once; looked up on each call when absent. */
  ffmpegPath?: string;
  /** ffmpeg is killed past this (default 60 s). */
  timeoutMs?: number;
  maxOutputBytes?: number;
  /** The container ffmpeg is told to read (`-f`); default: what the bytes announce, else ffmpeg guesses. */
  inputFormat?: AudioContainer;
}

/**
 * Runs ffmpeg on audio held in memory, writing to stdout per `outputArgs`. MP4/M4A goes through a temp file:
 * it often keeps its index after the audio, which ffmpeg cannot reach through a pipe.
 */
export async function runFfmpeg(audio: Uint8Array, outputArgs: readonly string[], options: FfmpegOptions): Promise<ProcessResult> {
  const ffmpegPath = options.ffmpegPath ?? (await findFfmpeg(options.signal));
  const inputFormat = options.inputFormat ?? sniffContainer(audio);
  const run = (inputArg: string, input?: Uint8Array) =>
    runProcess(ffmpegPath, ["-hide_banner", "-nostats", "-loglevel", "error", ...(inputFormat ? ["-f", inputFormat] : []), "-i", inputArg, ...outputArgs], {
      ...(input ? { input } : {}),
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? 60_000,
      ...(options.maxOutputBytes === undefined ? {} : { maxOutputBytes: options.maxOutputBytes }),
    });
  if (inputFormat !== "mp4") return run("pipe:0", audio);
  return withTempDir(async (directory) => {
    const path = join(directory, "input");
    await writeFile(path, audio);
    return run(path);
  });
}
