import { usageReport } from "./budget.ts";
import { fullTextKnowledge } from "./knowledge.ts";
import { knowledgeCommand } from "./knowledge-command.ts";
import { memoryCommand, type MemoryScope } from "./memory.ts";
import { controlHelpText } from "./commands.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "./i18n/catalogue.ts";
import { controlNames, jobCommandNames } from "./types/command.ts";
import { jobCommandHelpText } from "./jobs/commands.ts";
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

const localeOf = (message: InboundMessage, deps: { locale?: Locale }): Locale => message.sender.locale ?? deps.locale ?? "en";

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
  /** The language of the answers. */
  locale: Locale;
}

export function formatAge(ms: number, locale: Locale): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return translate(locale, "time.lessThanMinute");
  if (minutes < 60) return translate(locale, "time.minutes", { minutes });
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? translate(locale, "time.hoursMinutes", { hours, minutes: minutes % 60 }) : translate(locale, "time.days", { days: Math.floor(hours / 24) });
}

export function helpText(locale: Locale = "en"): string {
  const line = (name: string, text: string) => translate(locale, "control.help.line", { name, text });
  const lines = controlNames.map((name) => line(name, controlHelpText(name, locale)));
  const jobLines = jobCommandNames.map((name) => {
    const text = jobCommandHelpText(name, locale);
    return text.startsWith("/") ? text : line(name, text);
  });
  return [
    translate(locale, "control.help.title"), ...lines, translate(locale, "control.help.approve"),
    translate(locale, "control.help.jobs"), ...jobLines,
    translate(locale, "control.help.rest"),
  ].join("\n");
}

async function chooseAgent(name: string, context: ControlContext): Promise<string> {
  const { locale } = context;
  const list = context.agentNames.map((each) => (each === context.agentName ? translate(locale, "control.agent.current", { name: each }) : each)).join(", ");
  if (!name) return `${translate(locale, "control.agent.list", { list })}${context.canChoose ? translate(locale, "control.agent.switchHint") : ""}`;
  if (!context.canChoose) return translate(locale, "refusals.adminOnlyAgent");
  if (!context.agentNames.includes(name)) return translate(locale, "control.agent.unknown", { name, list });
  await context.choose({ agent: name, model: undefined });
  return translate(locale, "control.agent.switched", { name });
}

async function chooseModel(name: string, context: ControlContext): Promise<string> {
  const { locale } = context;
  if (!name) {
    const shown = translate(locale, "control.model.shown", { model: context.model ?? translate(locale, "control.model.none"), agent: context.agentName });
    return `${shown}${context.canChoose ? translate(locale, "control.model.switchHint") : ""}`;
  }
  if (!context.canChoose) return translate(locale, "refusals.adminOnlyModel");
  await context.choose({ model: name });
  return translate(locale, "control.model.switched", { name });
}

function statusText(context: ControlContext, session: { createdAt: number; messageCount: number }, fill: { usedTokens: number; budgetTokens: number } | undefined): string {
  const { locale } = context;
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  return [
    t("control.status.agent", { agent: context.agentName }),
    t("control.status.model", { model: context.model ?? t("control.status.noModel") }),
    t("control.status.media", { stt: context.sttName, tts: context.ttsName }),
    t("control.status.age", { age: formatAge(context.now - session.createdAt, locale) }),
    t("control.status.messages", { count: session.messageCount }),
    ...(fill
      ? [t("control.status.context", {
          used: fill.usedTokens.toLocaleString("en-US"),
          budget: fill.budgetTokens.toLocaleString("en-US"),
          percent: Math.round((100 * fill.usedTokens) / fill.budgetTokens),
        })]
      : []),
    t("control.status.running", { running: t(context.isRunning ? "common.yes" : "common.no").toLowerCase() }),
  ].join("\n");
}

/** The answer to a control command; these never reach the agent. */
export async function handleControl(command: Extract<Command, { type: "control" }>, context: ControlContext): Promise<ControlAnswer> {
  switch (command.name) {
    case "help":
      return helpText(context.locale);
    case "stop":
      return translate(context.locale, (await context.stopRun()) ? "control.stopped" : "control.nothingRunning");
    case "new":
      await context.endSession();
      return translate(context.locale, "control.newSession");
    case "status":
      return statusText(context, await context.session(), await context.contextFill());
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

export type ControlDeps = Pick<StageDeps, "store" | "routing" | "agents" | "budget" | "media" | "now" | "adapters" | "knowledge"> & Partial<Pick<StageDeps, "locale">> & { runs: RunControl };

/** The context a control command is answered in: the conversation's agent, session, usage and run. */
export async function controlContext(message: InboundMessage, role: Role, deps: ControlDeps): Promise<ControlContext> {
  const { store, now } = deps;
  const locale = localeOf(message, deps);
  const key = conversationKey(message.conversation);
  const current = await routeFor(message.conversation, userRef(message), deps);
  const isAdmin = role === "owner" || role === "admin";
  const memoryScope: MemoryScope = { userRef: userRef(message), conversationKey: key, isGroup: message.conversation.kind === "group", isAdmin };
  return {
    usageReport: () => usageReport(store.usage, { userRef: userRef(message), conversationKey: key }, now(), locale),
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
    memory: (name, args) => memoryCommand(name, args, store.memories, memoryScope, now(), locale),
    knowledge: (args) =>
      knowledgeCommand(args, {
        port: deps.knowledge ?? fullTextKnowledge(store.knowledge),
        store: store.knowledge,
        kbs: current.route.knowledge,
        isAdmin,
        attachments: message.attachments,
        fetchMedia: (ref) => adapterFor(deps, message.conversation).fetchMedia(ref),
        uploadSource: (fileName) => `chat:${key}/${fileName}`,
        locale,
      }),
    now: now(),
    locale,
  };
}
