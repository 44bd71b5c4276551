import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { ConversationListPage, ConversationMessagesPage } from "../../core/store/conversation-store.ts";
import type { Store } from "../../core/store/store.ts";

/** What the conversation routes need: the store, and the running runs (to stop one, in whichever process holds it). */
export interface ConversationDataDeps {
  store: Store;
  /** `/stop` for a conversation: aborts its run here, or asks the process holding it through the store. */
  stopRun(conversationKey: string): Promise<boolean>;
  now?: () => number;
}

const pageSize = z.coerce.number().int().min(1).max(200);
const listQuery = z.object({
  search: z.string().max(200).optional(),
  cursor: z.string().max(400).optional(),
  limit: pageSize.default(50),
});
const messagesQuery = z.object({
  before: z.string().regex(/^\d{1,15}$/).optional(),
  limit: pageSize.default(50),
});

export type ListQuery = z.infer<typeof listQuery>;
export type MessagesQuery = z.infer<typeof messagesQuery>;

function queryOf(request: IncomingMessage): Record<string, string> {
  const params = new URL(request.url ?? "/", "http://localhost").searchParams;
  // An empty field is as if it were not given (a search box left empty, a first page).
  return Object.fromEntries([...params.entries()].filter(([, value]) => value !== ""));
}

/** The query of a list request, or the reason it is refused (a 400). */
export function parseListQuery(request: IncomingMessage): { query: ListQuery } | { error: string } {
  const parsed = listQuery.safeParse(queryOf(request));
  return parsed.success ? { query: parsed.data } : { error: `${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}` };
}

export function parseMessagesQuery(request: IncomingMessage): { query: MessagesQuery } | { error: string } {
  const parsed = messagesQuery.safeParse(queryOf(request));
  return parsed.success ? { query: parsed.data } : { error: `${parsed.error.issues[0]!.path.join(".")}: ${parsed.error.issues[0]!.message}` };
}

/** The conversation key in `/…/conversations/<key>[/action]`, decoded; undefined when it is not there. */
export function conversationKeyOf(request: IncomingMessage, prefix: string): string | undefined {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (!path.startsWith(prefix)) return undefined;
  const encoded = path.slice(prefix.length).split("/")[0] ?? "";
  try {
    const key = decodeURIComponent(encoded);
    return key.length > 0 && key.length <= 500 ? key : undefined;
  } catch {
    return undefined;
  }
}

/** A conversation's state as the list shows it: a process holds it (a turn is being taken) or not. */
export type ConversationState = "running" | "idle";
export type ListedConversations = Omit<ConversationListPage, "conversations"> & {
  conversations: (ConversationListPage["conversations"][number] & { state: ConversationState })[];
};

/** The conversation's lease (held while a process takes its turns) says whether it is running, in any process. */
async function stateOf(deps: ConversationDataDeps, key: string): Promise<ConversationState> {
  return (await deps.store.leases.holder(key)) === undefined ? "idle" : "running";
}

export async function listConversations(deps: ConversationDataDeps, query: ListQuery): Promise<ListedConversations> {
  const page = await deps.store.conversations.list({ limit: query.limit, cursor: query.cursor, search: query.search });
  const states = await Promise.all(page.conversations.map((conversation) => stateOf(deps, conversation.key)));
  return { ...page, conversations: page.conversations.map((conversation, index) => ({ ...conversation, state: states[index]! })) };
}

export async function conversationMessages(
  deps: ConversationDataDeps, key: string, query: MessagesQuery,
): Promise<ConversationMessagesPage & { state: ConversationState }> {
  const [page, state] = await Promise.all([deps.store.conversations.messages(key, { limit: query.limit, before: query.before }), stateOf(deps, key)]);
  return { ...page, state };
}

/** Stop run: what `/stop` in the chat does. */
export async function stopConversationRun(deps: ConversationDataDeps, key: string): Promise<{ isStopped: boolean }> {
  return { isStopped: await deps.stopRun(key) };
}

/** New session: what `/new` in the chat does (the session ends, every agent forgets its own session). */
export async function newConversationSession(deps: ConversationDataDeps, key: string): Promise<{ isNewSession: true }> {
  const now = deps.now ?? Date.now;
  await deps.store.sessions.end(key, now());
  await deps.store.agentSessions.clear(key);
  return { isNewSession: true };
}
