import type { ConversationRef } from "../../core/types/conversation.ts";
import type { InboundMessage, Segment } from "../../core/types/message.ts";

export const directChat: ConversationRef = { platform: "telegram", chatId: "100", kind: "direct" };
export const groupChat: ConversationRef = { platform: "telegram", chatId: "-500", kind: "group" };

/** A plain inbound message; override any field. `text` becomes one text segment. */
export function message(overrides: Partial<InboundMessage> & { text?: string } = {}): InboundMessage {
  const { text = "hello", ...rest } = overrides;
  const segments: Segment[] = [{ type: "text", text }];
  return {
    id: "m1",
    conversation: directChat,
    sender: { id: "u1", displayName: "Ada", isBot: false },
    sentAt: 1_700_000_000_000,
    segments,
    attachments: [],
    ...rest,
  };
}
