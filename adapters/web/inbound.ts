import { z } from "zod";
import type { InboundMessage } from "../../core/types/message.ts";

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const webMessageSchema = z.object({
  conversationId: z.string().regex(idPattern, { error: "expected 1-64 letters, digits, _ or -" }),
  messageId: z.string().regex(idPattern, { error: "expected 1-64 letters, digits, _ or -" }),
  text: z.string().min(1).max(20_000),
});

export type WebMessage = z.infer<typeof webMessageSchema>;

/** The local web-chat user is the owner; each browser conversation is a direct chat. */
export const webOwnerId = "owner";

export function toInboundMessage(body: WebMessage, receivedAt: number): InboundMessage {
  return {
    id: `${body.conversationId}:${body.messageId}`,
    conversation: { platform: "web", chatId: body.conversationId, kind: "direct" },
    sender: { id: webOwnerId, displayName: "Owner", isBot: false },
    sentAt: receivedAt,
    segments: [{ type: "text", text: body.text }],
    attachments: [],
  };
}
