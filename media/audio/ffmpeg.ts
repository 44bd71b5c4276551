import { BridgeError } from "../../core/types/errors.ts";
import { runProcess } from "./run-process.ts";

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
