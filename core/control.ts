import { controlHelp } from "./commands.ts";
import { controlNames } from "./types/command.ts";
import type { Command } from "./types/command.ts";
import type { ConversationChoice } from "./router.ts";
import { assertNever } from "./types/errors.ts";

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
  return ["Commands:", ...lines, "/approve <id>, /deny <id>: decide a tool approval request (admins)", "Anything else goes to the agent."].join("\n");
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
export async function handleControl(command: Extract<Command, { type: "control" }>, context: ControlContext): Promise<string> {
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
    default:
      return assertNever(command.name);
  }
}
