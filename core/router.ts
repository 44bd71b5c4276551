import { channelOf, type ConversationRef } from "./types/conversation.ts";

/** Which conversations a binding applies to; every field given must match. */
export interface BindingMatch {
  /** Every channel on the platform. */
  platform?: string;
  /** One channel, by id (a default channel's id is its platform's name). */
  channel?: string;
  chatId?: string;
  threadId?: string;
  /** `channelId:userId` of the sender. */
  sender?: string;
}

/** What an agent's tools may do in a conversation: everything the permission model allows, only read, or nothing. */
export type ToolPolicy = "all" | "read" | "none";

export interface Binding {
  match: BindingMatch;
  agent: string;
  model?: string;
  /** Extra instructions for the LLM agent in these conversations. */
  instructions?: string;
  tools?: ToolPolicy;
  /** Tools that read and run without asking in a group (elsewhere they never ask). */
  autoApprove?: readonly string[];
  /** The knowledge bases these conversations may search (`/kb`, `search_knowledge`); without it, `default` only. */
  knowledge?: readonly string[];
}

/** The knowledge bases of a conversation no binding names any for. */
export const defaultKnowledgeBases: readonly string[] = ["default"];

export interface Routing {
  bindings: readonly Binding[];
  defaultAgent: string;
}

/** A conversation's own choice, made with `/agent` or `/model`; it wins over the bindings. */
export interface ConversationChoice {
  agent?: string;
  model?: string;
}

export interface Route {
  agent: string;
  model: string | undefined;
  instructions: string | undefined;
  tools: ToolPolicy;
  autoApprove: readonly string[];
  knowledge: readonly string[];
}

export function matches(match: BindingMatch, conversation: ConversationRef, senderRef: string): boolean {
  return (
    (match.platform === undefined || match.platform === conversation.platform) &&
    (match.channel === undefined || match.channel === channelOf(conversation)) &&
    (match.chatId === undefined || match.chatId === conversation.chatId) &&
    (match.threadId === undefined || match.threadId === conversation.threadId) &&
    (match.sender === undefined || match.sender === senderRef)
  );
}

/** Stage 6: the conversation's own choice, else the first binding that matches, else the default. */
export function route(routing: Routing, conversation: ConversationRef, senderRef: string, choice: ConversationChoice = {}): Route {
  const binding = routing.bindings.find((candidate) => matches(candidate.match, conversation, senderRef));
  const agent = choice.agent ?? binding?.agent ?? routing.defaultAgent;
  // A binding's settings apply while its agent is the one in use; its tool policy (and autoApprove) whatever the agent.
  const isBound = binding !== undefined && binding.agent === agent;
  return {
    agent,
    model: choice.model ?? (isBound ? binding.model : undefined),
    instructions: isBound ? binding.instructions : undefined,
    tools: binding?.tools ?? "all",
    autoApprove: binding?.autoApprove ?? [],
    knowledge: binding?.knowledge ?? defaultKnowledgeBases,
  };
}
