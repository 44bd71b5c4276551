import { enrich } from "../enrich.ts";
import { userRef } from "../policy.ts";
import { turnText } from "../prompt-text.ts";
import { route, type Route } from "../router.ts";
import type { Agent } from "../types/agent.ts";
import { conversationKey, type ConversationRef } from "../types/conversation.ts";
import { adapterFor, localeOf, type StageDeps } from "./deps.ts";
import type { PreparedTurn, Turn } from "./turn.ts";

/** The conversation's agent (and model), by its own choice, a binding or the default. */
export async function routeFor(
  conversation: ConversationRef,
  senderRef: string,
  deps: Pick<StageDeps, "store" | "routing" | "agents">,
): Promise<{ agent: Agent; route: Route }> {
  const chosen = route(deps.routing, conversation, senderRef, await deps.store.choices.get(conversationKey(conversation)));
  const agent = deps.agents.get(chosen.agent);
  if (agent) return { agent, route: chosen };
  // A choice or binding naming an agent that is no longer configured falls back to the default.
  return { agent: deps.agents.get(deps.routing.defaultAgent)!, route: { ...chosen, agent: deps.routing.defaultAgent, model: undefined } };
}

/**
 * Stage "prepare": route first (enrich needs to know whether the agent sees images), then enrich (voice →
 * transcript, image → picture or its text, with a notice for what could not be used), then open the session.
 * Undefined when nothing is left to answer.
 */
export async function prepare(turn: Turn, deps: StageDeps, signal: AbortSignal): Promise<PreparedTurn | undefined> {
  const { agent, route: chosen } = await routeFor(turn.input.conversation, userRef(turn.input), deps);
  const enriched = await enrich(turn.input, {
    media: deps.media,
    fetchMedia: (ref) => adapterFor(deps, turn.input.conversation).fetchMedia(ref),
    limits: deps.mediaLimits,
    acceptsImages: agent.acceptsImages,
    signal,
    locale: localeOf(turn.input, deps),
  });
  for (const [index, notice] of enriched.notices.entries()) {
    await deps.delivery.send(`${turn.keyBase}:notice${index}`, turn.to, { type: "markdown", text: notice });
  }
  const input = enriched.input;
  if (!turnText(input) && input.images.length === 0 && input.attachments.length === 0) return undefined;
  const session = await deps.store.sessions.current(turn.conversationKey, turn.startedAt, deps.historyLimit);
  return { ...turn, input, route: chosen, session };
}
