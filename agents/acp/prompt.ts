import type { ContentBlock } from "@agentclientprotocol/sdk";
import { agentTurnText } from "../../core/prompt-text.ts";
import type { AgentInput } from "../../core/types/agent.ts";

/** The user's turn as ACP content: the words (a group member's marked untrusted), then the images if the agent takes them. */
export function promptBlocks(input: AgentInput, canTakeImages: boolean): ContentBlock[] {
  const images = canTakeImages ? input.images : [];
  return [
    { type: "text", text: agentTurnText(input, images.length > 0) },
    ...images.map((image): ContentBlock => ({ type: "image", mimeType: image.mimeType, data: image.base64 })),
  ];
}
