export type ConversationKind = "direct" | "group";

export interface ConversationRef {
  platform: string;
  chatId: string;
  kind: ConversationKind;
  threadId?: string;
}

/** `platform:chatId[:t:threadId]`: the key for ordering, sessions and routing. */
export function conversationKey(ref: ConversationRef): string {
  const base = `${ref.platform}:${ref.chatId}`;
  return ref.threadId ? `${base}:t:${ref.threadId}` : base;
}
