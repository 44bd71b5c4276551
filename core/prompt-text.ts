import type { AgentInput } from "./types/agent.ts";
import { untrusted } from "./untrusted.ts";

/** The turn's words for the agent and the session: what was typed, then what was said and what images read. */
export function turnText(input: Pick<AgentInput, "text" | "attachments">): string {
  const lines = input.text ? [input.text] : [];
  for (const attachment of input.attachments) {
    if (attachment.type === "audio" && attachment.transcript) lines.push(`[voice message, transcript] ${attachment.transcript}`);
    if (attachment.type === "image" && attachment.text) lines.push(`[image, text read by OCR] ${attachment.text}`);
  }
  return lines.join("\n");
}

/**
 * The new message as an agent sees it (the LLM agent's user turn, an ACP prompt's text block): never empty, and a
 * group member's words marked untrusted. `hasImages`: the pictures go along (then an image alone is "(an image)").
 */
export function agentTurnText(input: AgentInput, hasImages: boolean): string {
  const text = turnText(input) || (hasImages ? "(an image)" : "(no text)");
  if (input.conversation.kind === "group" && input.senderRole === "member") {
    return untrusted(`group member ${input.sender.displayName}`, text);
  }
  return text;
}
