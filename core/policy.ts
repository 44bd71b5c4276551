import { isBareCommand } from "./commands.ts";
import type { InboundMessage } from "./types/message.ts";
import { mentionsBot, plainText } from "./types/message.ts";

export type Role = "owner" | "admin" | "member";

export interface PolicySettings {
  dm: "pairing" | "allowlist" | "open";
  group: "mention" | "open" | "disabled";
  /** `platform:userId` entries. */
  allowFrom: readonly string[];
  admins: readonly string[];
  owners: readonly string[];
}

export type AccessDecision =
  | { type: "admit"; role: Role }
  /** An unaddressed voice note in a group: admitted only if its transcript says the bot's name. */
  | { type: "listen"; role: Role }
  | { type: "pair" }
  | { type: "drop"; reason: string };

/** `platform:userId`: how config, roles, pairing and the usage ledger name a person. */
export function userRef(message: Pick<InboundMessage, "conversation" | "sender">): string {
  return `${message.conversation.platform}:${message.sender.id}`;
}

export function roleOf(message: InboundMessage, settings: PolicySettings): Role {
  const ref = userRef(message);
  if (settings.owners.includes(ref)) return "owner";
  if (settings.admins.includes(ref)) return "admin";
  return "member";
}

/** A group message is for the bot when it mentions it, replies to it, or is a bare `/command`. */
export function isAddressed(message: InboundMessage): boolean {
  return mentionsBot(message) || message.replyTo?.isToSelf === true || isBareCommand(plainText(message.segments));
}

/**
 * Stage 2: who may talk. Deny by default: only an explicit yes admits.
 * `isPaired` says whether the sender's pairing request was approved.
 */
export function decideAccess(message: InboundMessage, settings: PolicySettings, isPaired: boolean): AccessDecision {
  if (message.sender.isBot) return { type: "drop", reason: "sender is a bot" };
  const role = roleOf(message, settings);
  if (message.conversation.kind === "group") {
    if (settings.group === "disabled") return { type: "drop", reason: "groups are disabled" };
    if (settings.group === "mention" && !isAddressed(message)) {
      const hasVoiceNote = message.attachments.some((attachment) => attachment.type === "audio" && attachment.isVoiceNote);
      return hasVoiceNote ? { type: "listen", role } : { type: "drop", reason: "not addressed" };
    }
    return { type: "admit", role };
  }
  const isKnown = role !== "member" || settings.allowFrom.includes(userRef(message)) || isPaired;
  if (isKnown || settings.dm === "open") return { type: "admit", role };
  if (settings.dm === "pairing") return { type: "pair" };
  return { type: "drop", reason: "sender not in the allowlist" };
}
