/**
 * Whom a memory belongs to: a person (`user:<platform>:<userId>`) or a chat (`chat:<conversation key>`).
 * A person's memories are theirs alone; a chat's are shared by everyone in it.
 */
export type MemoryOwner = `user:${string}` | `chat:${string}`;

export const memoryOwner = {
  user: (userRef: string): MemoryOwner => `user:${userRef}`,
  chat: (conversationKey: string): MemoryOwner => `chat:${conversationKey}`,
};

export interface MemoryRecord {
  id: string;
  owner: MemoryOwner;
  text: string;
  /** `platform:userId` of whoever asked for it to be remembered. */
  authorRef: string;
  /** The conversation it was said in. */
  conversationKey: string;
  createdAt: number;
}

export interface MemoryCounts {
  users: number;
  chats: number;
  memories: number;
}

/** Facts people asked the assistant to remember: listed, searched, forgotten and exported by their owners. */
export interface MemoryStore {
  add(record: MemoryRecord): Promise<void>;
  /** Every memory of these owners, oldest first (the numbering of `/memory`). */
  list(owners: readonly MemoryOwner[]): Promise<MemoryRecord[]>;
  /**
   * These owners' memories, best first: those matching the query's words by full-text relevance (recency breaks
   * ties), then the others, newest first; at most `limit`. Never another owner's.
   */
  search(owners: readonly MemoryOwner[], query: string, limit: number): Promise<MemoryRecord[]>;
  /** Removes memories by id, only among these owners' (an id of someone else's is left alone); returns how many. */
  remove(owners: readonly MemoryOwner[], ids: readonly string[]): Promise<number>;
  /** Everything stored about a person: their own memories and those they asked a chat to keep. */
  about(userRef: string): Promise<MemoryRecord[]>;
  /** Counts only (the console never shows the texts). */
  counts(): Promise<MemoryCounts>;
}
