import { isBareCommand } from "./commands.ts";
import { channelOf } from "./types/conversation.ts";
import type { InboundMessage } from "./types/message.ts";
import { mentionsBot, plainText } from "./types/message.ts";

export type Role = "owner" | "admin" | "member";

export interface PolicySettings {
  dm: "pairing" | "allowlist" | "open";
  group: "pairing" | "mention" | "open" | "disabled";
  /** `channelId:userId` entries (a default channel's id is its platform's name). */
  allowFrom: readonly string[];
  /** `channelId:chatId` entries: groups admitted without pairing (`PINCER_ALLOW_GROUPS`). */
  allowGroups: readonly string[];
  admins: readonly string[];
  owners: readonly string[];
  /** A channel's own DM and group policies (PINCER_CONFIG `channels:`), by channel id; the ones above elsewhere. */
  channels?: Readonly<Record<string, ChannelPolicy>>;
}

export interface ChannelPolicy {
  dm?: PolicySettings["dm"];
  group?: PolicySettings["group"];
}

export type AccessDecision =
  | { type: "admit"; role: Role }
  /** An unaddressed voice note in a group: admitted only if its transcript says the bot's name. */
  | { type: "listen"; role: Role }
  | { type: "pair" }
  | { type: "drop"; reason: DropReason };

/** Why a message was let go without an answer (the trace shows it, in the reader's language). */
export type DropReason = "bot-sender" | "groups-disabled" | "group-not-paired" | "not-addressed" | "not-allowlisted";

/**
 * `channelId:userId`: how config, roles, pairing and the usage ledger name a person. User ids are the
 * channel's (Slack's and Feishu's are per workspace or app), so an entry never applies platform-wide.
 */
export function userRef(message: Pick<InboundMessage, "conversation" | "sender">): string {
  return `${channelOf(message.conversation)}:${message.sender.id}`;
}

/** `channelId:chatId`: how `PINCER_ALLOW_GROUPS` and group pairing name a group. */
export function groupRef(message: Pick<InboundMessage, "conversation">): string {
  return `${channelOf(message.conversation)}:${message.conversation.chatId}`;
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
 * `isPaired` says whether the pairing request of the sender (a DM) or of the group was approved.
 */
export function decideAccess(message: InboundMessage, settings: PolicySettings, isPaired: boolean): AccessDecision {
  if (message.sender.isBot) return { type: "drop", reason: "bot-sender" };
  const role = roleOf(message, settings);
  const own = settings.channels?.[channelOf(message.conversation)];
  const dm = own?.dm ?? settings.dm;
  const group = own?.group ?? settings.group;
  if (message.conversation.kind === "group") {
    if (group === "disabled") return { type: "drop", reason: "groups-disabled" };
    const isKnownGroup = group !== "pairing" || settings.allowGroups.includes(groupRef(message)) || isPaired;
    if (group !== "open" && !isAddressed(message)) {
      // An unknown group's voice notes are never transcribed: only addressed text asks for a pairing code.
      if (!isKnownGroup) return { type: "drop", reason: "group-not-paired" };
      const hasVoiceNote = message.attachments.some((attachment) => attachment.type === "audio" && attachment.isVoiceNote);
      return hasVoiceNote ? { type: "listen", role } : { type: "drop", reason: "not-addressed" };
    }
    return isKnownGroup ? { type: "admit", role } : { type: "pair" };
  }
  const isKnown = role !== "member" || settings.allowFrom.includes(userRef(message)) || isPaired;
  if (isKnown || dm === "open") return { type: "admit", role };
  if (dm === "pairing") return { type: "pair" };
  return { type: "drop", reason: "not-allowlisted" };
}

/** Whether the decision depends on an approved pairing, so that the pipeline looks one up only then. */
export function needsPairingLookup(message: InboundMessage, settings: PolicySettings): boolean {
  const unpaired = decideAccess(message, settings, false).type;
  // A DM sender is looked up only when pairing is the policy (an allowlist ignores old pairings).
  if (message.conversation.kind === "direct") return unpaired === "pair";
  return unpaired !== decideAccess(message, settings, true).type;
}
