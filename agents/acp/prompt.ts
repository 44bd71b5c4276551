import type { ContentBlock } from "@agentclientprotocol/sdk";
import { turnText } from "../../core/enrich.ts";
import type { AgentInput } from "../../core/types/agent.ts";
import { untrusted } from "../../core/untrusted.ts";

/** The user's turn as ACP content: the words (a group member's marked untrusted), then the images if the agent takes them. */
export function promptBlocks(input: AgentInput, canTakeImages: boolean): ContentBlock[] {
  const images = canTakeImages ? input.images : [];
  let text = turnText(input) || (images.length > 0 ? "(an image)" : "(no text)");
  if (input.conversation.kind === "group" && input.senderRole === "member") {
    text = untrusted(`group member ${input.sender.displayName}`, text);
  }
  return [
    { type: "text", text },
    ...images.map((image): ContentBlock => ({ type: "image", mimeType: image.mimeType, data: image.base64 })),
  ];
}
