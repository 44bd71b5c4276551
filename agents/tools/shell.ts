import { spawn } from "node:child_process";
import { basename, join, relative } from "node:path";
import { StringDecoder } from "node:string_decoder";
import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";
import { createOutputCapture, type CapturedOutput } from "./shell-output.ts";
import { lastNonEmptyLine } from "./text.ts";
import type { Tool, ToolContext, ToolResult } from "./tool.ts";
import { workspaceRoot } from "./workspace.ts";

const defaultTimeoutSec = 60;
const maxTimeoutSec = 600;

const parameters = z.object({
  command: z.string(),
  timeoutSec: z.number().int().min(1).max(maxTimeoutSec).optional(),
});

export type ShellArgs = z.infer<typeof parameters>;

export interface ShellToolOptions {
  /** The commands' environment: config's `commandEnv`, an allowlist (PATH, HOME, LANG, …) without any secret of ours. */
  env: NodeJS.ProcessEnv;
  /** Output the model reads in full; longer output is trimmed head and tail and attached as a file. */
  outputLimitChars?: number;
  /** After SIGTERM, how long the process group gets before SIGKILL. */
  killGraceMs?: number;
  /** How often the last output line may go to the chat as a status. */
  statusIntervalMs?: number;
}

const maxSavedBytes = 20 * 1024 * 1024;
/** After the shell exits, how long to wait for background processes still holding its output. */
const drainMs = 1000;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stopReason?: "timeout" | "aborted";
}

function describeExit(exit: Exit, timeoutSec: number): string {
  if (exit.stopReason === "timeout") return `Timed out after ${timeoutSec} s; the command and its children were killed.`;
  if (exit.code !== null) return `Exit code ${exit.code}.`;
  return `Killed by ${exit.signal}.`;
}

function resultText(exit: Exit, output: CapturedOutput, timeoutSec: number, root: string): string {
  const status = describeExit(exit, timeoutSec);
  if (output.totalChars === 0) return `${status}\n(no output)`;
  const shownChars = output.head.length + output.tail.length;
  if (output.totalChars <= shownChars) return `${status}\n${output.head}${output.tail}`;
  const where = output.savedPath
    ? `; full output in ${relative(root, output.savedPath)}${output.isSavedCut ? " (its first 20 MB)" : ""}`
    : "";
  const cutChars = (output.totalChars - shownChars).toLocaleString("en-US");
  return `${status}\n${output.head}\n… [${cutChars} characters cut${where}] …\n${output.tail}`;
}

/** `shell`: runs a command with /bin/sh in the workspace, in its own process group so a stop kills it all. */
export function createShellTool(options: ShellToolOptions): Tool<ShellArgs> {
  const env = { ...(options.env), TERM: "dumb", NO_COLOR: "1", PAGER: "cat", GIT_PAGER: "cat" };
  const limitChars = options.outputLimitChars ?? 4000;
  const killGraceMs = options.killGraceMs ?? 2000;
  const statusIntervalMs = options.statusIntervalMs ?? 1000;

  async function run(args: ShellArgs, context: ToolContext): Promise<ToolResult> {
    const root = await workspaceRoot(context.workspaceDir);
    // Clamped here too: setTimeout fires at once past 2^31 ms, should a caller skip validation.
    const timeoutSec = Math.min(Math.max(args.timeoutSec ?? defaultTimeoutSec, 1), maxTimeoutSec);
    if (context.signal.aborted) throw new BridgeError("aborted", "Stopped.");
    const capture = createOutputCapture({ limitChars, outputsDir: join(root, ".pincer", "outputs"), maxSavedBytes });
    const child = spawn("/bin/sh", ["-c", args.command], {
      cwd: root,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const pid = child.pid;

    let stopReason: Exit["stopReason"];
    let lastStatus = "";
    let lastStatusAt = 0;
    let statusTimer: NodeJS.Timeout | undefined;
    let timeoutTimer: NodeJS.Timeout | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;

    const stop = (reason: NonNullable<Exit["stopReason"]>) => {
      if (stopReason || pid === undefined) return;
      stopReason = reason;
      killGroup(pid, "SIGTERM");
      killTimer = setTimeout(() => killGroup(pid, "SIGKILL"), killGraceMs);
    };
    const onAbort = () => stop("aborted");

    const flushStatus = () => {
      statusTimer = undefined;
      const line = lastNonEmptyLine(capture.recent());
      if (!line || line === lastStatus) return;
      lastStatus = line;
      lastStatusAt = Date.now();
      try {
        context.reportStatus(line);
      } catch {
        // A status is a courtesy; it never fails the command.
      }
    };

    const listen = (stream: NodeJS.ReadableStream) => {
      const decoder = new StringDecoder("utf8");
      stream.on("data", (chunk: Buffer) => {
        capture.append(chunk, decoder.write(chunk));
        statusTimer ??= setTimeout(flushStatus, Math.max(0, lastStatusAt + statusIntervalMs - Date.now()));
      });
      stream.on("end", () => {
        const rest = decoder.end();
        if (rest) capture.append(Buffer.alloc(0), rest);
      });
    };

    try {
      const exit = await new Promise<Exit>((resolve, reject) => {
        let exitStatus: Pick<Exit, "code" | "signal"> = { code: null, signal: null };
        child.once("error", (error) =>
          reject(new BridgeError("internal", `Could not start the command: ${error.message}`, { cause: error })),
        );
        child.once("exit", (code, signal) => {
          exitStatus = { code, signal };
          // Background processes may keep the pipes open: stop reading after a moment.
          drainTimer = setTimeout(() => {
            child.stdout?.destroy();
            child.stderr?.destroy();
          }, drainMs);
        });
        child.once("close", () => resolve({ ...exitStatus, ...(stopReason ? { stopReason } : {}) }));
        listen(child.stdout!);
        listen(child.stderr!);
        context.signal.addEventListener("abort", onAbort, { once: true });
        timeoutTimer = setTimeout(() => stop("timeout"), timeoutSec * 1000);
      });
      // Whatever ignored SIGTERM but let go of the pipes goes now.
      if (exit.stopReason && pid !== undefined) killGroup(pid, "SIGKILL");
      const output = await capture.finish();
      if (exit.stopReason === "aborted") throw new BridgeError("aborted", "Stopped.");
      const artifacts: ToolResult["artifacts"] = output.savedPath
        ? [
            {
              type: "file",
              media: { platform: "local", id: output.savedPath, fileName: basename(output.savedPath), mimeType: "text/plain" },
              caption: "Full output",
            },
          ]
        : [];
      return { text: resultText(exit, output, timeoutSec, root), artifacts };
    } finally {
      context.signal.removeEventListener("abort", onAbort);
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      clearTimeout(statusTimer);
    }
  }

  return {
    name: "shell",
    description: "Run a shell command in the workspace (timeoutSec default 60). Returns exit code and output.",
    parameters,
    risk: "exec",
    describeCall: (args, workspaceDir) => `$ ${args.command}  (in ${workspaceDir})`,
    run,
  };
}
