import { enrich, type Enriched } from "../enrich.ts";
import { clip, type SpanAttributes } from "../trace.ts";
import { userRef } from "../policy.ts";
import { turnText } from "../prompt-text.ts";
import { route, type ConversationChoice, type Route } from "../router.ts";
import type { Agent } from "../types/agent.ts";
import { conversationKey, type ConversationRef } from "../types/conversation.ts";
import { adapterFor, localeOf, type StageDeps } from "./deps.ts";
import type { RoutedTurn, Turn } from "./turn.ts";

/** The conversation's agent (and model), by its own choice (read now unless given), a binding or the default. */
export async function routeFor(
  conversation: ConversationRef,
  senderRef: string,
  deps: Pick<StageDeps, "store" | "routing" | "agents">,
  choice?: ConversationChoice,
): Promise<{ agent: Agent; route: Route }> {
  const chosen = route(deps.routing, conversation, senderRef, choice ?? (await deps.store.choices.get(conversationKey(conversation))));
  const agent = deps.agents.get(chosen.agent);
  if (agent) return { agent, route: chosen };
  // A choice or binding naming an agent that is no longer configured falls back to the default.
  return { agent: deps.agents.get(deps.routing.defaultAgent)!, route: { ...chosen, agent: deps.routing.defaultAgent, model: undefined } };
}

/**
 * Stage "prepare": route first (enrich needs to know whether the agent sees images), then enrich (voice →
 * transcript, image → picture or its text, with a notice for what could not be used). Undefined when nothing is left
 * to answer.
 */
export async function prepare(turn: Turn, deps: StageDeps, signal: AbortSignal): Promise<RoutedTurn | undefined> {
  const { tracer } = deps;
  const routing = tracer.start(turn.keyBase, "route");
  const { agent, route: chosen } = await routeFor(turn.input.conversation, userRef(turn.input), deps, turn.choice);
  routing.end({ agent: chosen.agent, ...(chosen.model ? { model: chosen.model } : {}), tools: chosen.tools });
  const enriching = turn.input.attachments.length > 0 ? tracer.start(turn.keyBase, "enrich") : undefined;
  const enriched = await enrich(turn.input, {
    media: deps.media,
    fetchMedia: (ref) => adapterFor(deps, turn.input.conversation).fetchMedia(ref),
    limits: deps.mediaLimits,
    acceptsImages: agent.acceptsImages,
    signal,
    locale: localeOf(turn.input, deps),
  });
  enriching?.end(enrichAttributes(enriched), enriched.notices.length > 0 ? "error" : "ok");
  for (const [index, notice] of enriched.notices.entries()) {
    await deps.delivery.send(`${turn.keyBase}:notice${index}`, turn.to, { type: "markdown", text: notice });
  }
  const input = enriched.input;
  if (!turnText(input) && input.images.length === 0 && input.attachments.length === 0) return undefined;
  return { ...turn, input, route: chosen };
}

/** What enrichment made of the attachments: transcripts, pictures, OCR text, and what could not be used. */
function enrichAttributes(enriched: Enriched): SpanAttributes {
  const { attachments, images } = enriched.input;
  return {
    transcripts: attachments.filter((attachment) => attachment.type === "audio" && attachment.transcript).length,
    ocr: attachments.filter((attachment) => attachment.type === "image" && attachment.text !== undefined).length,
    pictures: images.length,
    ...(enriched.notices.length > 0 ? { notices: enriched.notices.length, notice: clip(enriched.notices[0]!) } : {}),
  };
}
