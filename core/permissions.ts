import type { Role } from "./policy.ts";

/** How much harm a tool can do: reading is free, the rest needs a yes from someone allowed to give it. */
export type RiskLevel = "read" | "write" | "exec" | "network";

export type PermissionDecision = "run" | "ask";

export interface PermissionSettings {
  /** `PINCER_OWNER_AUTO_APPROVE`: the owner's own requests run without asking. */
  isOwnerAutoApproved: boolean;
}

/** Where the call is made: in a group anyone may have written the request, so even reading asks. */
export interface PermissionScope {
  isGroup: boolean;
  /** The conversation's binding lists the tool in `autoApprove` (it counts only for tools that read). */
  isAutoApproved: boolean;
}

export function decidePermission(role: Role, risk: RiskLevel, settings: PermissionSettings, scope: PermissionScope): PermissionDecision {
  if (risk === "read") return !scope.isGroup || scope.isAutoApproved ? "run" : "ask";
  if (role === "owner" && settings.isOwnerAutoApproved) return "run";
  return "ask";
}
