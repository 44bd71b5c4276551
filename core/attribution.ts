import { printable } from "./printable.ts";
import type { Role } from "./policy.ts";
import { promptText, type InboundMessage } from "./types/message.ts";

/**
 * A speaker's name as a line prefix: one line, no colon (so a name cannot end early and start what looks like
 * another speaker's line), bounded.
 */
export function speakerName(message: Pick<InboundMessage, "sender">): string {
  const name = printable(message.sender.displayName).replace(/[:：]/g, " ").replace(/\s+/g, " ").trim().slice(0, 64);
  return name || printable(message.sender.id).replace(/[:：]/g, " ").slice(0, 64) || "someone";
}

/**
 * The words of a collected turn. With one sender, the messages one per line as they were. With several, every line
 * starts with its sender's name (a name two people share gets their ids), so that no one's text can pass for another's.
 */
export function collectedText(messages: readonly InboundMessage[]): string {
  const texts = messages.map((message) => promptText(message.segments));
  const senderIds = new Set(messages.map((message) => message.sender.id));
  if (senderIds.size <= 1) return texts.filter(Boolean).join("\n");
  const idsByName = new Map<string, Set<string>>();
  for (const message of messages) {
    const name = speakerName(message);
    idsByName.set(name, (idsByName.get(name) ?? new Set()).add(message.sender.id));
  }
  const labelOf = (message: InboundMessage) => {
    const name = speakerName(message);
    return idsByName.get(name)!.size > 1 ? `${name} (${printable(message.sender.id).replace(/[:：()]/g, " ")})` : name;
  };
  return messages
    .flatMap((message, index) => (texts[index] ? texts[index].split(/\r\n|\r|\n|\u2028|\u2029/).map((line) => `${labelOf(message)}: ${line}`) : []))
    .join("\n");
}

const trustOrder: readonly Role[] = ["member", "admin", "owner"];

/** A turn written by several people acts with the least trusted one's role. */
export function leastTrustedRole(roles: readonly Role[]): Role {
  return trustOrder.find((role) => roles.includes(role)) ?? "member";
}
