import { mkdir, realpath } from "node:fs/promises";
import { methods, RequestError, type AgentCapabilities, type StopReason } from "@agentclientprotocol/sdk";
import type { Agent, AgentContext, AgentEvent, AgentInput } from "../../core/types/agent.ts";
import { conversationKey } from "../../core/types/conversation.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { exitError, startAgentProcess, type AgentProcess } from "./agent-process.ts";
import { createClientApp } from "./client-app.ts";
import { createClientHandlers } from "./client-handlers.ts";
import { promptBlocks } from "./prompt.ts";
import { createSessionTable, type SessionIdStore, type SessionTable } from "./sessions.ts";
import { createTerminals, type Terminals } from "./terminals.ts";
import { createTurn, type Turn } from "./turn.ts";
import { createUpdateMapper } from "./updates.ts";
import { abortableWait } from "../../core/abortable.ts";
import { afterQueuedMessages, settleWithin } from "./wait.ts";

export type { SessionIdStore } from "./sessions.ts";

export interface AcpAgentOptions {
  /** The agent's command line, already split (`ACP_AGENT_COMMAND`). */
  command: string[];
  /** The binding's working directory: the agent's sessions start here, its file and terminal requests stay inside. */
  cwd: string;
  logger: Logger;
  sessionIds: SessionIdStore;
  /** The environment of the agent process and of its terminal commands (the agent's `env` in config: an allowlist). */
  env: NodeJS.ProcessEnv;
  /** After a stop, how long the next prompt on that session waits for the agent to end the cancelled one. */
  cancelWaitMs?: number;
  /** How long the agent may take to answer `initialize` (default 60 s). */
  startTimeoutMs?: number;
}

export type AcpAgent = Agent & { close(): Promise<void> };

/** One agent process and what lives only as long as it does. */
interface Live {
  cwd: string;
  agentProcess: AgentProcess;
  terminals: Terminals;
  sessions: SessionTable;
  /** The last prompt sent on each session, settled or not. */
  prompts: Map<string, Promise<unknown>>;
}

function stopNote(reason: StopReason): string | undefined {
  switch (reason) {
    case "end_turn":
    case "cancelled":
      return undefined;
    case "max_tokens":
      return "(The coding agent stopped: it reached its output limit.)";
    case "max_turn_requests":
      return "(The coding agent stopped: it reached its limit of model requests for one turn.)";
    case "refusal":
      return "(The coding agent refused to go on.)";
  }
}

/**
 * A coding agent over the Agent Client Protocol (Claude Code, Codex, Gemini CLI… through their ACP
 * adapters): one process kept warm between turns and started again when it died, one ACP session
 * per conversation, its permission requests turned into chat approvals.
 */
export function createAcpAgent(options: AcpAgentOptions): AcpAgent {
  const logger = options.logger.child({ agent: "acp" });
  const env = options.env;
  const cancelWaitMs = options.cancelWaitMs ?? 5000;
  /** The turn in flight on each session, across processes (session ids are the agent's, unique). */
  const turns = new Map<string, Turn>();
  let capabilities: AgentCapabilities | undefined;
  let starting: Promise<Live> | undefined;
  let current: Live | undefined;
  let isClosed = false;

  async function startLive(): Promise<Live> {
    await mkdir(options.cwd, { recursive: true });
    const cwd = await realpath(options.cwd);
    const terminals = createTerminals({ cwd, env });
    const app = createClientApp(createClientHandlers(cwd, terminals, turns));
    const agentProcess = await startAgentProcess({
      command: options.command,
      cwd,
      env,
      logger,
      app,
      ...(options.startTimeoutMs ? { startTimeoutMs: options.startTimeoutMs } : {}),
    });
    capabilities = agentProcess.capabilities;
    const live: Live = { cwd, agentProcess, terminals, sessions: createSessionTable(agentProcess, cwd, options.sessionIds), prompts: new Map() };
    void agentProcess.exited.then(() => {
      terminals.closeAll();
      if (current === live) {
        current = undefined;
        starting = undefined;
      }
    });
    current = live;
    return live;
  }

  /** The live process, started (again) if there is none. */
  function ensureLive(): Promise<Live> {
    if (isClosed) return Promise.reject(new BridgeError("upstream", "The coding agent was shut down."));
    if (current?.agentProcess.hasExited()) {
      current = undefined;
      starting = undefined;
    }
    if (!starting) {
      const attempt = startLive();
      starting = attempt;
      attempt.catch(() => {
        if (starting === attempt) starting = undefined;
      });
    }
    return starting;
  }

  /** What the chat says when a turn failed: the process's exit if it died, else the agent's own error. */
  async function runError(error: unknown, live: Live): Promise<BridgeError> {
    if (error instanceof BridgeError) return error;
    const exit = error instanceof RequestError && !live.agentProcess.hasExited() ? undefined : await live.agentProcess.exitWithin(1500);
    if (exit) return exitError(exit, options.command);
    if (error instanceof RequestError) {
      if (error.code === RequestError.authRequired().code) {
        return new BridgeError("upstream", "The coding agent needs a sign-in first: run it once in a terminal on this machine.", { cause: error });
      }
      return new BridgeError("upstream", `The coding agent failed: ${error.message}`, { cause: error });
    }
    return toBridgeError(error, "upstream");
  }

  async function* run(input: AgentInput, context: AgentContext): AsyncGenerator<AgentEvent> {
    const { signal } = context;
    const live = await abortableWait(ensureLive(), signal);
    let sessionId: string;
    try {
      sessionId = await abortableWait(live.sessions.sessionFor(conversationKey(input.conversation), context.logger), signal);
    } catch (error) {
      throw await runError(error, live);
    }
    // A stopped turn may still be winding down in the agent; a prompt sent over it would be refused.
    await abortableWait(settleWithin(live.prompts.get(sessionId), cancelWaitMs), signal);

    const turn = createTurn(context, createUpdateMapper(live.cwd));
    turns.set(sessionId, turn);
    const prompt = live.agentProcess.agent.request(methods.agent.session.prompt, {
      sessionId,
      prompt: promptBlocks(input, capabilities?.promptCapabilities?.image === true),
    });
    const settled = prompt.then(
      () => undefined,
      () => undefined,
    );
    live.prompts.set(sessionId, settled);
    void settled.then(() => {
      if (live.prompts.get(sessionId) === settled) live.prompts.delete(sessionId);
    });
    void prompt.then(
      (response) => afterQueuedMessages(() => turn.push({ type: "stop", response })),
      (error: unknown) => afterQueuedMessages(() => turn.push({ type: "error", error })),
    );
    let isFinished = false;
    const wake = () => turn.push({ type: "events", events: [] });
    signal.addEventListener("abort", wake, { once: true });
    try {
      for (;;) {
        await turn.ready();
        if (signal.aborted) throw new BridgeError("aborted", "Stopped.");
        for (const item of turn.drain()) {
          switch (item.type) {
            case "events":
              yield* item.events;
              break;
            case "stop": {
              isFinished = true;
              const note = stopNote(item.response.stopReason);
              if (note) yield { type: "text-delta", text: `\n\n${note}` };
              yield { type: "done" };
              return;
            }
            case "error":
              isFinished = true;
              throw await runError(item.error, live);
          }
        }
      }
    } finally {
      signal.removeEventListener("abort", wake);
      if (turns.get(sessionId) === turn) turns.delete(sessionId);
      if (!isFinished) {
        context.logger.info({ sessionId }, "cancelling the ACP prompt");
        live.agentProcess.agent.notify(methods.agent.session.cancel, { sessionId }).catch(() => undefined);
      }
    }
  }

  return {
    id: "acp",
    model: undefined,
    /** Known once the agent process has said so in `initialize`; until then, images are read by OCR. */
    get acceptsImages() {
      return capabilities?.promptCapabilities?.image === true;
    },
    run,
    async close() {
      isClosed = true;
      const live = await starting?.catch(() => undefined);
      starting = undefined;
      current = undefined;
      if (!live) return;
      live.terminals.closeAll();
      await live.agentProcess.stop();
    },
  };
}
