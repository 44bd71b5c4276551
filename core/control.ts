import { usageReport } from "./budget.ts";
import { fullTextKnowledge } from "./knowledge.ts";
import { knowledgeCommand } from "./knowledge-command.ts";
import { memoryCommand, type MemoryScope } from "./memory.ts";
import { controlHelp } from "./commands.ts";
import { controlNames, jobCommandNames } from "./types/command.ts";
import { jobCommandHelp } from "./jobs/commands.ts";
import type { Command } from "./types/command.ts";
import { userRef, type Role } from "./policy.ts";
import type { ConversationChoice } from "./router.ts";
import type { StageDeps } from "./stages/deps.ts";
import { routeFor } from "./stages/prepare.ts";
import { conversationKey } from "./types/conversation.ts";
import { assertNever } from "./types/errors.ts";
import type { InboundMessage } from "./types/message.ts";
import type { ReplyPart } from "./types/reply.ts";
import { adapterFor } from "./stages/deps.ts";

/** A control command's answer: a text, or one part (the file of `/memory export`). */
export type ControlAnswer = string | ReplyPart;

export interface ControlContext {
  usageReport(): Promise<string>;
  agentName: string;
  model: string | undefined;
  agentNames: readonly string[];
  /** Owners and admins may switch the agent and the model. */
  canChoose: boolean;
  choose(choice: ConversationChoice): Promise<void>;
  sttName: string;
  ttsName: string;
  isRunning: boolean;
  stopRun(): Promise<boolean>;
  endSession(): Promise<void>;
  session(): Promise<{ createdAt: number; messageCount: number }>;
  /** Prompt tokens of the conversation's last model call, and the budget per call. */
  contextFill(): Promise<{ usedTokens: number; budgetTokens: number } | undefined>;
  /** `/remember`, `/memory`, `/forget`. */
  memory(name: "remember" | "memory" | "forget", args: string): Promise<ControlAnswer>;
  /** `/kb`. */
  knowledge(args: string): Promise<string>;
  now: number;
}

function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "less than a minute";
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours} h ${minutes % 60} min` : `${Math.floor(hours / 24)} days`;
}

export function helpText(): string {
  const lines = controlNames.map((name) => `/${name}: ${controlHelp[name]}`);
  const jobLines = jobCommandNames.map((name) => (jobCommandHelp[name].startsWith("/") ? jobCommandHelp[name] : `/${name}: ${jobCommandHelp[name]}`));
  return [
    "Commands:", ...lines, "/approve <id>, /deny <id>: decide a tool approval request (admins)",
    "Jobs:", ...jobLines,
    "Anything else goes to the agent.",
  ].join("\n");
}

async function chooseAgent(name: string, context: ControlContext): Promise<string> {
  const list = context.agentNames.map((each) => (each === context.agentName ? `${each} (current)` : each)).join(", ");
  if (!name) return `Agents: ${list}.${context.canChoose ? " Switch with /agent <name>." : ""}`;
  if (!context.canChoose) return "Only an admin can switch the agent.";
  if (!context.agentNames.includes(name)) return `There is no agent named ${name}. Agents: ${list}.`;
  await context.choose({ agent: name, model: undefined });
  return `This conversation now talks to ${name}.`;
}

async function chooseModel(name: string, context: ControlContext): Promise<string> {
  if (!name) {
    return `Model: ${context.model ?? "none"} (agent ${context.agentName}).${context.canChoose ? " Switch with /model <name>." : ""}`;
  }
  if (!context.canChoose) return "Only an admin can switch the model.";
  await context.choose({ model: name });
  return `This conversation now uses ${name}.`;
}

/** The answer to a control command; these never reach the agent. */
export async function handleControl(command: Extract<Command, { type: "control" }>, context: ControlContext): Promise<ControlAnswer> {
  switch (command.name) {
    case "help":
      return helpText();
    case "stop":
      return (await context.stopRun()) ? "Stopped." : "Nothing is running.";
    case "new":
      await context.endSession();
      return "Started a new session: I have forgotten this conversation.";
    case "status": {
      const session = await context.session();
      const fill = await context.contextFill();
      return [
        `Agent: ${context.agentName}`,
        `Model: ${context.model ?? "none (built-in, offline)"}`,
        `Speech-to-text: ${context.sttName}; voice replies: ${context.ttsName}`,
        `Session age: ${formatAge(context.now - session.createdAt)}`,
        `Messages in session: ${session.messageCount}`,
        ...(fill
          ? [`Context: ${fill.usedTokens.toLocaleString("en-US")} of ${fill.budgetTokens.toLocaleString("en-US")} tokens (${Math.round((100 * fill.usedTokens) / fill.budgetTokens)}%) in the last model call`]
          : []),
        `Running: ${context.isRunning ? "yes" : "no"}`,
      ].join("\n");
    }
    case "usage":
      return context.usageReport();
    case "agent":
      return chooseAgent(command.args, context);
    case "model":
      return chooseModel(command.args, context);
    case "remember":
    case "memory":
    case "forget":
      return context.memory(command.name, command.args);
    case "kb":
      return context.knowledge(command.args);
    default:
      return assertNever(command.name);
  }
}

/** What `/stop` and `/status` ask of the runs (the queue stage holds them). */
export interface RunControl {
  isRunning(conversationKey: string): Promise<boolean>;
  stopRun(conversationKey: string): Promise<boolean>;
}

export type ControlDeps = Pick<StageDeps, "store" | "routing" | "agents" | "budget" | "media" | "now" | "adapters" | "knowledge"> & { runs: RunControl };

/** The context a control command is answered in: the conversation's agent, session, usage and run. */
export async function controlContext(message: InboundMessage, role: Role, deps: ControlDeps): Promise<ControlContext> {
  const { store, now } = deps;
  const key = conversationKey(message.conversation);
  const current = await routeFor(message.conversation, userRef(message), deps);
  const isAdmin = role === "owner" || role === "admin";
  const memoryScope: MemoryScope = { userRef: userRef(message), conversationKey: key, isGroup: message.conversation.kind === "group", isAdmin };
  return {
    usageReport: () => usageReport(store.usage, { userRef: userRef(message), conversationKey: key }, now()),
    agentName: current.route.agent,
    model: current.route.model ?? current.agent.model,
    agentNames: [...deps.agents.keys()],
    canChoose: role === "owner" || role === "admin",
    choose: async (choice) => store.choices.set(key, { ...(await store.choices.get(key)), ...choice }, now()),
    sttName: deps.media?.sttName ?? "none",
    ttsName: deps.media?.ttsName ?? "none",
    isRunning: await deps.runs.isRunning(key),
    stopRun: () => deps.runs.stopRun(key),
    endSession: async () => {
      await store.sessions.end(key, now());
      await store.agentSessions.clear(key);
    },
    session: async () => {
      const session = await store.sessions.current(key, now(), 0);
      return { createdAt: session.createdAt, messageCount: await store.sessions.countMessages(session.id) };
    },
    contextFill: async () => {
      const last = await store.usage.lastCall(key);
      return last && { usedTokens: last.inputTokens, budgetTokens: deps.budget.contextTokens };
    },
    memory: (name, args) => memoryCommand(name, args, store.memories, memoryScope, now()),
    knowledge: (args) =>
      knowledgeCommand(args, {
        port: deps.knowledge ?? fullTextKnowledge(store.knowledge),
        store: store.knowledge,
        kbs: current.route.knowledge,
        isAdmin,
        attachments: message.attachments,
        fetchMedia: (ref) => adapterFor(deps, message.conversation).fetchMedia(ref),
        uploadSource: (fileName) => `chat:${key}/${fileName}`,
      }),
    now: now(),
  };
}
