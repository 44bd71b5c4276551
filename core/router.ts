import type { ConversationRef } from "./types/conversation.ts";

/** Which conversations a binding applies to; every field given must match. */
export interface BindingMatch {
  platform?: string;
  chatId?: string;
  threadId?: string;
  /** `platform:userId` of the sender. */
  sender?: string;
}

export interface Binding {
  match: BindingMatch;
  agent: string;
  model?: string;
}

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
}

export function matches(match: BindingMatch, conversation: ConversationRef, senderRef: string): boolean {
  return (
    (match.platform === undefined || match.platform === conversation.platform) &&
    (match.chatId === undefined || match.chatId === conversation.chatId) &&
    (match.threadId === undefined || match.threadId === conversation.threadId) &&
    (match.sender === undefined || match.sender === senderRef)
  );
}

/** Stage 6: the conversation's own choice, else the first binding that matches, else the default. */
export function route(routing: Routing, conversation: ConversationRef, senderRef: string, choice: ConversationChoice = {}): Route {
  const binding = routing.bindings.find((candidate) => matches(candidate.match, conversation, senderRef));
  const agent = choice.agent ?? binding?.agent ?? routing.defaultAgent;
  const bindingModel = binding && binding.agent === agent ? binding.model : undefined;
  return { agent, model: choice.model ?? bindingModel };
}
