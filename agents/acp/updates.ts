import { isAbsolute, relative, sep } from "node:path";
import type { PlanEntry, SessionUpdate, ToolCallLocation, ToolCallUpdate, ToolKind } from "@agentclientprotocol/sdk";
import type { AgentEvent } from "../../core/types/agent.ts";

/** What is known of one tool call: `tool_call` sets it, each `tool_call_update` changes some fields. */
export interface ToolCallState {
  title: string;
  kind: ToolKind | undefined;
  locations: ToolCallLocation[];
  rawInput: unknown;
}

const toolLooks: Record<ToolKind, { icon: string; verb: string }> = {
  read: { icon: "📖", verb: "reading" },
  edit: { icon: "✏️", verb: "editing" },
  delete: { icon: "🗑️", verb: "deleting" },
  move: { icon: "📦", verb: "moving" },
  search: { icon: "🔍", verb: "searching" },
  execute: { icon: "⚙️", verb: "running" },
  think: { icon: "💭", verb: "thinking" },
  fetch: { icon: "🌐", verb: "fetching" },
  switch_mode: { icon: "🔀", verb: "switching mode" },
  other: { icon: "🔧", verb: "" },
};

/** A path as the chat should see it: relative to the working directory when inside it. */
export function shownPath(cwd: string, path: string): string {
  const fromCwd = relative(cwd, path);
  if (fromCwd === "") return ".";
  return fromCwd.split(sep)[0] === ".." || isAbsolute(fromCwd) ? path : fromCwd;
}

function field(rawInput: unknown, name: string): unknown {
  return typeof rawInput === "object" && rawInput !== null ? (rawInput as Record<string, unknown>)[name] : undefined;
}

/** The command an execute call runs, when its raw input says (`command` as a string or an argv array). */
export function commandOf(rawInput: unknown): string | undefined {
  const command = field(rawInput, "command") ?? field(rawInput, "cmd");
  if (typeof command === "string" && command.trim()) return command.trim();
  if (Array.isArray(command) && command.every((part) => typeof part === "string")) return command.join(" ");
  return undefined;
}

function pathsOf(state: ToolCallState, cwd: string): string {
  const paths = [...new Set(state.locations.map((location) => shownPath(cwd, location.path)))];
  if (paths.length === 0) return "";
  return paths.length === 1 ? paths[0]! : `${paths[0]} and ${paths.length - 1} more`;
}

/** What the call acts on, in a few words: its files, its command, its URL; "" when only the title says. */
export function toolTarget(state: ToolCallState, cwd: string): string {
  switch (state.kind) {
    case "execute":
      return commandOf(state.rawInput) ?? "";
    case "fetch": {
      const url = field(state.rawInput, "url");
      return typeof url === "string" ? url : "";
    }
    case "search": {
      const query = field(state.rawInput, "pattern") ?? field(state.rawInput, "query");
      return typeof query === "string" ? query : pathsOf(state, cwd);
    }
    case "read":
    case "edit":
    case "delete":
    case "move":
      return pathsOf(state, cwd);
    case "think":
    case "switch_mode":
    case "other":
    case undefined:
      return "";
  }
}

/** "✏️ editing api/users.ts", "⚙️ running npm test"; the title when the call names no target. */
export function toolStatusLine(state: ToolCallState, cwd: string): string {
  const look = toolLooks[state.kind ?? "other"];
  const target = toolTarget(state, cwd);
  if (target && look.verb) return `${look.icon} ${look.verb} ${target}`;
  return `${look.icon} ${state.title || look.verb}`;
}

const planMarks: Record<PlanEntry["status"], string> = { completed: "✅", in_progress: "▶️", pending: "⬜" };

function shortened(text: string, maxChars: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

/** "📋 1/3 done: ✅ read the test · ▶️ fix the bug · ⬜ run the tests": the count first, so a cut line still says it. */
export function planLine(entries: readonly PlanEntry[]): string {
  const done = entries.filter((entry) => entry.status === "completed").length;
  const items = entries.map((entry) => `${planMarks[entry.status]} ${shortened(entry.content, 40)}`);
  return `📋 ${done}/${entries.length} done: ${items.join(" · ")}`;
}

function merged(state: ToolCallState | undefined, update: ToolCallUpdate): ToolCallState {
  return {
    title: update.title ?? state?.title ?? "",
    kind: update.kind ?? state?.kind,
    locations: update.locations ?? state?.locations ?? [],
    rawInput: update.rawInput ?? state?.rawInput,
  };
}

export interface UpdateMapper {
  /** The chat events for one `session/update`; most kinds of update show nothing. */
  map(update: SessionUpdate): AgentEvent[];
  /** The tool call as known so far, for a permission request that names only its id. */
  toolCall(update: ToolCallUpdate): ToolCallState;
}

/** Turns a prompt turn's `session/update` notifications into text deltas and one-line statuses. */
export function createUpdateMapper(cwd: string): UpdateMapper {
  const toolCalls = new Map<string, ToolCallState>();
  let lastStatus = "";

  const status = (text: string): AgentEvent[] => {
    if (text === lastStatus) return [];
    lastStatus = text;
    return [{ type: "status", text }];
  };
  const text = (delta: string): AgentEvent[] => {
    lastStatus = "";
    return delta ? [{ type: "text-delta", text: delta }] : [];
  };

  return {
    toolCall: (update) => merged(toolCalls.get(update.toolCallId), update),
    map(update) {
      switch (update.sessionUpdate) {
        case "agent_message_chunk":
          if (update.content.type === "text") return text(update.content.text);
          if (update.content.type === "resource_link") return text(`[${update.content.title ?? update.content.name}](${update.content.uri})`);
          return [];
        case "agent_thought_chunk":
          return status("💭 thinking");
        case "tool_call": {
          const state: ToolCallState = {
            title: update.title,
            kind: update.kind,
            locations: update.locations ?? [],
            rawInput: update.rawInput,
          };
          toolCalls.set(update.toolCallId, state);
          return update.status === "completed" || update.status === "failed" ? [] : status(toolStatusLine(state, cwd));
        }
        case "tool_call_update": {
          const state = merged(toolCalls.get(update.toolCallId), update);
          toolCalls.set(update.toolCallId, state);
          if (update.status === "failed") return status(`❌ ${state.title || toolStatusLine(state, cwd)} failed`);
          if (update.status === "completed") return [];
          const isChanged = update.title != null || update.kind != null || update.locations != null || update.rawInput !== undefined;
          return isChanged || update.status === "in_progress" ? status(toolStatusLine(state, cwd)) : [];
        }
        case "plan":
          return update.entries.length > 0 ? status(planLine(update.entries)) : [];
        case "notice": {
          const icon = update.severity === "error" ? "❌" : update.severity === "warning" ? "⚠️" : "ℹ️";
          return status(`${icon} ${update.title}`);
        }
        case "user_message_chunk":
        case "available_commands_update":
        case "current_mode_update":
        case "config_option_update":
        case "session_info_update":
        case "usage_update":
        case "compaction_update":
        case "compaction_summary_chunk":
          return [];
        default: {
          // Every known kind is handled above; one from a newer agent shows nothing rather than failing the turn.
          const unknown: never = update;
          void unknown;
          return [];
        }
      }
    },
  };
}
