import { clip, type SpanAttributes } from "./trace.ts";
import { channelOf } from "./types/conversation.ts";
import type { InboundMessage } from "./types/message.ts";

/** What the root span says about a message: where it came from and what it carried, never its text. */
export function messageAttributes(message: InboundMessage): SpanAttributes {
  return {
    channel: channelOf(message.conversation),
    platform: message.conversation.platform,
    chat: message.conversation.kind,
    chatId: clip(message.conversation.chatId, 80),
    senderId: clip(message.sender.id, 80),
    sender: clip(message.sender.displayName, 80),
    sentAt: message.sentAt,
    ...(message.attachments.length > 0 ? { attachments: message.attachments.map((attachment) => attachment.type).join(",") } : {}),
  };
}
