import type { PermissionOption, RequestPermissionOutcome, ToolCallUpdate, ToolKind } from "@agentclientprotocol/sdk";
import type { ApprovalRequest } from "../../core/types/agent.ts";
import type { RiskLevel } from "../../core/permissions.ts";
import { commandOf, shownPath, toolStatusLine, type ToolCallState } from "./updates.ts";

/**
 * The risk of a call the agent asks about. An agent asks only when it thinks it matters, so nothing
 * here is "read" (which would run unasked): edits are writes, commands and unknown tools are exec.
 */
export function riskOf(kind: ToolKind | undefined): RiskLevel {
  switch (kind) {
    case "execute":
    case "other":
    case undefined:
      return "exec";
    case "fetch":
      return "network";
    case "read":
    case "edit":
    case "delete":
    case "move":
    case "search":
    case "think":
    case "switch_mode":
      return "write";
  }
}

function compactJson(value: unknown, maxChars: number): string {
  const text = JSON.stringify(value) ?? "";
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** Exactly what will happen, for the person approving: the command and its directory, every path. */
export function permissionSummary(state: ToolCallState, update: ToolCallUpdate, cwd: string): string {
  const lines: string[] = [];
  const command = state.kind === "execute" ? commandOf(state.rawInput) : undefined;
  if (command) lines.push(`$ ${command}`);
  const diffPaths = (update.content ?? []).flatMap((content) => (content.type === "diff" ? [content.path] : []));
  const paths = [...new Set([...state.locations.map((location) => location.path), ...diffPaths])];
  for (const path of paths.slice(0, 8)) lines.push(`${state.kind ?? "file"}: ${shownPath(cwd, path)}`);
  if (paths.length > 8) lines.push(`… and ${paths.length - 8} more files`);
  if (lines.length === 0) {
    lines.push(toolStatusLine(state, cwd).replace(/^\S+ /, ""));
    if (state.rawInput !== undefined) lines.push(`input: ${compactJson(state.rawInput, 300)}`);
  }
  lines.push(`(in ${cwd})`);
  return lines.join("\n");
}

export function approvalRequestFor(state: ToolCallState, update: ToolCallUpdate, cwd: string, options: readonly PermissionOption[] = []): ApprovalRequest {
  return {
    toolName: state.title || state.kind || "tool",
    summary: permissionSummary(state, update, cwd),
    risk: riskOf(state.kind),
    ...(options.some((option) => option.kind === "allow_always" || option.kind === "reject_always") ? { canBeAlways: true } : {}),
  };
}

function firstOfKind(options: readonly PermissionOption[], kinds: readonly PermissionOption["kind"][]): PermissionOption | undefined {
  for (const kind of kinds) {
    const option = options.find((candidate) => candidate.kind === kind);
    if (option) return option;
  }
  return undefined;
}

/**
 * The agent's own option for the answer: once unless the person chose the standing answer (`always`), falling
 * back to the other of the same yes or no; "cancelled" when it offered none of that kind.
 */
export function outcomeFor(options: readonly PermissionOption[], decision: { isApproved: boolean; isAlways?: boolean }): RequestPermissionOutcome {
  const kinds: PermissionOption["kind"][] = decision.isApproved ? ["allow_once", "allow_always"] : ["reject_once", "reject_always"];
  const option = firstOfKind(options, decision.isAlways ? [...kinds].reverse() : kinds);
  return option ? { outcome: "selected", optionId: option.optionId } : { outcome: "cancelled" };
}
