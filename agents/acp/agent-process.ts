import { spawn } from "node:child_process";
import { Readable, Writable } from "node:stream";
import {
  methods,
  ndJsonStream,
  PROTOCOL_VERSION,
  RequestError,
  type AgentCapabilities,
  type ClientApp,
  type ClientContext,
  type InitializeRequest,
} from "@agentclientprotocol/sdk";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { clientCapabilities } from "./client-app.ts";
import { createLineTail } from "./stderr-tail.ts";

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the command could not be started at all (not found, not executable). */
  spawnError?: Error;
}

export interface AgentProcessOptions {
  command: string[];
  cwd: string;
  env: NodeJS.ProcessEnv | undefined;
  logger: Logger;
  app: ClientApp;
  /** After SIGTERM on close, how long the agent gets before SIGKILL. */
  killGraceMs?: number;
  /** How long `initialize` may take (an agent waiting for a login on its terminal never answers). */
  startTimeoutMs?: number;
}

/** A running ACP agent, initialized: its peer context, what it can do, and how it ends. */
export interface AgentProcess {
  agent: ClientContext;
  capabilities: AgentCapabilities;
  /** Settles when the process is gone; never rejects. */
  exited: Promise<ProcessExit>;
  hasExited(): boolean;
  /** The exit if it happens within `ms` (a dying process closes its pipes a moment before it is reaped). */
  exitWithin(ms: number): Promise<ProcessExit | undefined>;
  stop(): Promise<void>;
}

/** What the chat says when the agent process ended or never started. */
export function exitError(exit: ProcessExit, command: readonly string[]): BridgeError {
  if (exit.spawnError) {
    return new BridgeError("config", `Could not start the coding agent (${command[0]}): ${exit.spawnError.message}. Check ACP_AGENT_COMMAND.`, {
      cause: exit.spawnError,
    });
  }
  const how = exit.code !== null ? `exit code ${exit.code}` : `signal ${exit.signal}`;
  return new BridgeError("upstream", `The coding agent stopped (${how}).`);
}

/** Starts the agent command with ACP on its stdio and runs `initialize`; stderr's last lines go to the log if it dies. */
export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const [file, ...args] = options.command;
  if (!file) throw new BridgeError("config", "ACP_AGENT_COMMAND is empty: set the command line of an ACP agent.");
  const logger = options.logger;
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
  const stderr = createLineTail();
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (text: string) => stderr.push(text));
  // A write to a dead agent fails with EPIPE; the exit below is what reports it.
  child.stdin.on("error", () => undefined);

  let isStopping = false;
  let exitStatus: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.on("error", (error) => {
      // Only a failed spawn ends here without an exit; later errors (a failed kill) change nothing.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: error });
    });
    child.once("exit", (code, signal) => resolve({ code, signal }));
  }).then((exit) => {
    exitStatus = exit;
    if (!isStopping) {
      logger.warn(
        { pid: child.pid, exitCode: exit.code, signal: exit.signal, err: exit.spawnError, stderr: stderr.lines().join("\n") },
        "the ACP agent process exited",
      );
    }
    return exit;
  });

  const stream = ndJsonStream(
    Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
    Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
  );
  const connection = options.app.connect(stream);
  // Pending requests fail once the process is gone, even if a grandchild still holds its stdout.
  void exited.then(() => setTimeout(() => connection.close(), 500).unref());

  const exitWithin = async (ms: number) => {
    if (exitStatus) return exitStatus;
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([exited, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]);
    } finally {
      clearTimeout(timer);
    }
  };

  const stop = async () => {
    if (exitStatus) return;
    isStopping = true;
    connection.close();
    child.stdin.end();
    child.kill("SIGTERM");
    const killTimer = setTimeout(() => child.kill("SIGKILL"), options.killGraceMs ?? 2000);
    try {
      await exited;
    } finally {
      clearTimeout(killTimer);
    }
  };

  try {
    const request: InitializeRequest = {
      protocolVersion: PROTOCOL_VERSION,
      clientCapabilities,
      clientInfo: { name: "pincer", title: "Pincer", version: "0.1.0" },
    };
    const startTimeoutMs = options.startTimeoutMs ?? 60_000;
    const initialized = await connection.agent.request(methods.agent.initialize, request, {
      cancellationSignal: AbortSignal.timeout(startTimeoutMs),
      stopWaitingOnCancel: true,
    }).catch((error: unknown) => {
      if (error instanceof RequestError && error.code === RequestError.requestCancelled().code && !exitStatus) {
        throw new BridgeError("timeout", `The coding agent did not answer within ${startTimeoutMs / 1000} s of starting.`, { cause: error });
      }
      throw error;
    });
    if (initialized.protocolVersion !== PROTOCOL_VERSION) {
      logger.warn({ protocolVersion: initialized.protocolVersion, expected: PROTOCOL_VERSION }, "the ACP agent speaks another protocol version");
    }
    logger.info({ pid: child.pid, agentInfo: initialized.agentInfo, capabilities: initialized.agentCapabilities }, "ACP agent ready");
    return {
      agent: connection.agent,
      capabilities: initialized.agentCapabilities ?? {},
      exited,
      hasExited: () => exitStatus !== undefined,
      exitWithin,
      stop,
    };
  } catch (error) {
    const exit = error instanceof BridgeError ? undefined : await exitWithin(1000);
    await stop();
    if (exit) throw exitError(exit, options.command);
    if (error instanceof BridgeError) throw error;
    throw new BridgeError("upstream", `The coding agent did not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
