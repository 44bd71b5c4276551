import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import {
  RequestError,
  type CreateTerminalRequest,
  type CreateTerminalResponse,
  type TerminalExitStatus,
  type TerminalOutputResponse,
} from "@agentclientprotocol/sdk";
import { BridgeError } from "../../core/types/errors.ts";
import { resolveInWorkspace } from "../tools/index.ts";
import { createBoundedOutput, type BoundedOutput } from "./terminal-output.ts";

export interface TerminalsOptions {
  cwd: string;
  /** The commands' environment; the request's `env` is added to it. */
  env: NodeJS.ProcessEnv;
  /** The most output kept per terminal, whatever the agent asks for. */
  maxOutputBytes?: number;
  /** After SIGTERM, how long a killed command's process group gets before SIGKILL. */
  killGraceMs?: number;
}

interface Terminal {
  sessionId: string;
  child: ChildProcess;
  output: BoundedOutput;
  exit: Promise<TerminalExitStatus>;
  exitStatus: TerminalExitStatus | undefined;
  killTimer: NodeJS.Timeout | undefined;
}

export interface TerminalRef {
  sessionId: string;
  terminalId: string;
}

export interface Terminals {
  create(params: CreateTerminalRequest): Promise<CreateTerminalResponse>;
  output(params: TerminalRef): TerminalOutputResponse;
  waitForExit(params: TerminalRef, signal: AbortSignal): Promise<TerminalExitStatus>;
  kill(params: TerminalRef): void;
  release(params: TerminalRef): void;
  /** Kills every command still running (the agent process went away). */
  closeAll(): void;
}

/** After the command exits, how long to keep reading from background processes that hold its pipes. */
const drainMs = 500;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * The `terminal/*` client methods: commands run inside the working directory (a `cwd` outside it is
 * refused), each in its own process group so a kill takes its children too, with bounded output.
 * A command without args runs through /bin/sh, as editors do.
 */
export function createTerminals(options: TerminalsOptions): Terminals {
  const maxOutputBytes = options.maxOutputBytes ?? 256 * 1024;
  const killGraceMs = options.killGraceMs ?? 2000;
  const terminals = new Map<string, Terminal>();

  const find = (ref: TerminalRef): Terminal => {
    const terminal = terminals.get(ref.terminalId);
    if (!terminal || terminal.sessionId !== ref.sessionId) throw RequestError.resourceNotFound(ref.terminalId);
    return terminal;
  };

  const stop = (terminal: Terminal, signal: NodeJS.Signals) => {
    if (terminal.exitStatus) return;
    killGroup(terminal.child.pid, signal);
    if (signal === "SIGTERM" && !terminal.killTimer) {
      terminal.killTimer = setTimeout(() => killGroup(terminal.child.pid, "SIGKILL"), killGraceMs);
    }
  };

  async function create(params: CreateTerminalRequest): Promise<CreateTerminalResponse> {
    let cwd: string;
    try {
      cwd = await resolveInWorkspace(options.cwd, params.cwd ?? ".");
    } catch (error) {
      if (error instanceof BridgeError && error.code === "bad-input") throw RequestError.invalidParams({ cwd: params.cwd }, error.message);
      throw error;
    }
    const env = { ...options.env, ...Object.fromEntries((params.env ?? []).map((variable) => [variable.name, variable.value])) };
    const args = params.args ?? [];
    const [file, argv] = args.length > 0 ? [params.command, args] : ["/bin/sh", ["-c", params.command]];
    const child = spawn(file, argv, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => reject(RequestError.invalidParams({ command: params.command }, `Could not start ${params.command}: ${error.message}`)));
    });

    const limitBytes = Math.min(params.outputByteLimit ?? maxOutputBytes, maxOutputBytes);
    const output = createBoundedOutput(Math.max(limitBytes, 0));
    child.stdout!.on("data", (chunk: Buffer) => output.append(chunk));
    child.stderr!.on("data", (chunk: Buffer) => output.append(chunk));
    const terminal: Terminal = { sessionId: params.sessionId, child, output, exit: Promise.resolve({}), exitStatus: undefined, killTimer: undefined };
    terminal.exit = new Promise<TerminalExitStatus>((resolve) => {
      let status: TerminalExitStatus = {};
      let drainTimer: NodeJS.Timeout | undefined;
      child.once("exit", (code, signal) => {
        status = { exitCode: code, signal };
        drainTimer = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
        }, drainMs);
      });
      child.once("close", () => {
        clearTimeout(drainTimer);
        clearTimeout(terminal.killTimer);
        terminal.exitStatus = status;
        resolve(status);
      });
    });
    const terminalId = randomUUID();
    terminals.set(terminalId, terminal);
    return { terminalId };
  }

  return {
    create,
    output(ref) {
      const terminal = find(ref);
      return { output: terminal.output.text(), truncated: terminal.output.isTruncated(), exitStatus: terminal.exitStatus ?? null };
    },
    async waitForExit(ref, signal) {
      const terminal = find(ref);
      signal.throwIfAborted();
      let onAbort: (() => void) | undefined;
      try {
        return await Promise.race([
          terminal.exit,
          new Promise<never>((_, reject) => {
            onAbort = () => reject(signal.reason);
            signal.addEventListener("abort", onAbort, { once: true });
          }),
        ]);
      } finally {
        if (onAbort) signal.removeEventListener("abort", onAbort);
      }
    },
    kill: (ref) => stop(find(ref), "SIGTERM"),
    release(ref) {
      const terminal = find(ref);
      stop(terminal, "SIGTERM");
      terminals.delete(ref.terminalId);
    },
    closeAll() {
      for (const terminal of terminals.values()) stop(terminal, "SIGKILL");
      terminals.clear();
    },
  };
}
