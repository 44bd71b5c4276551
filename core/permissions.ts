import type { Role } from "./policy.ts";

/** How much harm a tool can do: reading is free, the rest needs a yes from someone allowed to give it. */
export type RiskLevel = "read" | "write" | "exec" | "network";

export type PermissionDecision = "run" | "ask";

export interface PermissionSettings {
  /** `PINCER_OWNER_AUTO_APPROVE`: the owner's own requests run without asking. */
  isOwnerAutoApproved: boolean;
}

export function decidePermission(role: Role, risk: RiskLevel, settings: PermissionSettings): PermissionDecision {
  if (risk === "read") return "run";
  if (role === "owner" && settings.isOwnerAutoApproved) return "run";
  return "ask";
}
