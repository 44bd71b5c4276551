import { spawn } from "node:child_process";
import { assertNever, BridgeError } from "../../core/types/errors.ts";

export interface RunProcessOptions {
  /** Written to the process's stdin, which is then closed; without it stdin is empty. */
  input?: Uint8Array;
  signal: AbortSignal;
  /** The process is killed past this. */
  timeoutMs: number;
  /** The process is killed once its stdout passes this many bytes. */
  maxOutputBytes?: number;
}

export interface ProcessResult {
  /** `undefined` when the process ran to its end; otherwise why we killed it. */
  stopReason: "timeout" | "aborted" | "output-limit" | undefined;
  exitCode: number | null;
  stdout: Uint8Array;
  /** The last few kilobytes of stderr, for the log. */
  stderrTail: string;
}

const stderrTailChars = 4000;

/**
 * Runs a program with its stdin fed from memory and its stdout collected, killing it on abort,
 * timeout or too much output. Rejects only when the program cannot be started.
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    const chunks: Buffer[] = [];
    let outputBytes = 0;
    let stderrTail = "";
    let stopReason: ProcessResult["stopReason"];

    const stop = (reason: NonNullable<ProcessResult["stopReason"]>) => {
      if (stopReason) return;
      stopReason = reason;
      child.kill("SIGKILL");
    };
    const onAbort = () => stop("aborted");
    const timer = setTimeout(() => stop("timeout"), options.timeoutMs);
    const cleanUp = () => {
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
    };

    child.stdout.on("data", (chunk: Buffer) => {
      if (stopReason) return;
      outputBytes += chunk.length;
      if (options.maxOutputBytes !== undefined && outputBytes > options.maxOutputBytes) stop("output-limit");
      else chunks.push(chunk);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (text: string) => {
      stderrTail = (stderrTail + text).slice(-stderrTailChars);
    });
    // The program may exit before reading all of its input (a corrupt file): that is its answer, not our error.
    child.stdin.on("error", () => {});
    child.on("error", (error) => {
      cleanUp();
      reject(new BridgeError("unsupported", `Could not run ${command}: ${error.message}`, { cause: error }));
    });
    child.on("close", (exitCode) => {
      cleanUp();
      resolve({ stopReason, exitCode, stdout: Buffer.concat(chunks), stderrTail: stderrTail.trim() });
    });

    if (options.signal.aborted) onAbort();
    else options.signal.addEventListener("abort", onAbort, { once: true });
    child.stdin.end(options.input ?? new Uint8Array(0));
  });
}

/**
 * A process we had to kill, as the error for the chat: a stop is "Stopped.", a timeout (or too much output,
 * unless the caller names its own error for that) says what took too long.
 */
export function throwIfStopped(result: ProcessResult, tooSlow: string, tooMuchOutput?: () => BridgeError): void {
  switch (result.stopReason) {
    case "aborted":
      throw new BridgeError("aborted", "Stopped.");
    case "output-limit":
      if (tooMuchOutput) throw tooMuchOutput();
      throw new BridgeError("timeout", tooSlow, { cause: new Error(result.stderrTail) });
    case "timeout":
      throw new BridgeError("timeout", tooSlow, { cause: new Error(result.stderrTail) });
    case undefined:
      return;
    default:
      assertNever(result.stopReason);
  }
}
