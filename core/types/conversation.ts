export type ConversationKind = "direct" | "group";

export interface ConversationRef {
  platform: string;
  chatId: string;
  kind: ConversationKind;
  threadId?: string;
  /**
   * Set on the destination of an answer: the message it answers. Adapters use it to reply in place
   * (quote, thread, @mention the asker); it is not part of the conversation's identity.
   */
  inReplyTo?: { messageId: string; senderId: string; senderName: string };
}

/** `platform:chatId[:t:threadId]`: the key for ordering, sessions and routing. */
export function conversationKey(ref: ConversationRef): string {
  const base = `${ref.platform}:${ref.chatId}`;
  return ref.threadId ? `${base}:t:${ref.threadId}` : base;
}
