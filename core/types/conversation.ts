export type ConversationKind = "direct" | "group";

export interface ConversationRef {
  /** The platform it is on (Telegram, Slack…): which adapter speaks it. */
  platform: string;
  /**
   * The channel (one configured bot on the platform) it belongs to. Absent in refs written before there
   * could be several: the platform's default channel, whose id is the platform's name.
   */
  channelId?: string;
  chatId: string;
  kind: ConversationKind;
  threadId?: string;
  /**
   * Set on the destination of an answer: the message it answers. Adapters use it to reply in place
   * (quote, thread, @mention the asker); it is not part of the conversation's identity.
   */
  inReplyTo?: { messageId: string; senderId: string; senderName: string };
}

/** The id of the channel a conversation belongs to; the platform's name for its default channel. */
export function channelOf(ref: Pick<ConversationRef, "platform" | "channelId">): string {
  return ref.channelId ?? ref.platform;
}

/**
 * `channelId:chatId[:t:threadId]`: the key for ordering, sessions and routing. A default channel's id is its
 * platform's name, so its keys are the ones written before there could be several channels per platform.
 */
export function conversationKey(ref: ConversationRef): string {
  const base = `${channelOf(ref)}:${ref.chatId}`;
  return ref.threadId ? `${base}:t:${ref.threadId}` : base;
}
