import type { Approvals } from "../approvals.ts";
import type { Locale } from "../i18n/catalogue.ts";
import type { InboundMessage } from "../types/message.ts";
import type { BudgetConfig, ModelPrice } from "../config.ts";
import type { Delivery } from "../delivery.ts";
import type { JobService } from "../jobs/service.ts";
import type { MediaLimits } from "../enrich.ts";
import type { KnowledgePort } from "../knowledge.ts";
import type { MediaPort } from "../media.ts";
import type { Metrics } from "../metrics.ts";
import type { PermissionSettings } from "../permissions.ts";
import type { PolicySettings } from "../policy.ts";
import type { ConversationLocks, RunningRuns } from "../queue.ts";
import type { Routing } from "../router.ts";
import type { Store } from "../store/store.ts";
import { noTracer, type Tracer } from "../trace.ts";
import type { Adapter } from "../types/adapter.ts";
import type { Agent } from "../types/agent.ts";
import { channelOf, type ConversationRef } from "../types/conversation.ts";
import { BridgeError } from "../types/errors.ts";
import type { Logger } from "../types/logger.ts";

export interface PipelineDeps {
  store: Store;
  /** The adapter of each channel, by channel id. */
  adapters: ReadonlyMap<string, Adapter>;
  /** Every agent a conversation can be routed to, by name. */
  agents: ReadonlyMap<string, Agent>;
  routing: Routing;
  policy: PolicySettings;
  approvals: Approvals;
  permissions: PermissionSettings;
  /** Voice and image handling; without it attachments are refused politely. */
  media: MediaPort | undefined;
  mediaLimits: MediaLimits;
  /** Knowledge-base retrieval and ingestion (hybrid when embeddings are on); full text from the store without it. */
  knowledge?: KnowledgePort;
  budget: BudgetConfig;
  prices: Record<string, ModelPrice>;
  delivery: Delivery;
  metrics: Metrics;
  logger: Logger;
  /** Scheduled and background work (`/in`, `/every`, `/jobs`, …); without it those commands say they are off. */
  jobs?: JobService;
  locks?: ConversationLocks;
  runs?: RunningRuns;
  /** How long a message still being taken in holds its conversation's later ones back (three lease periods). */
  heldBehindMs?: number;
  /** After a run stopped because its conversation's lease was lost: when to try the conversation again (a lease period). */
  retakeLostAfterMs?: number;
  /** Most recent unsummarized session messages handed to the agent (the agent compacts older ones). */
  historyLimit?: number;
  /** PINCER_LOCALE: the language of the bot's own words for people whose platform does not tell theirs (default `en`). */
  locale?: Locale;
  /** Records each message's path (core/trace.ts); nothing without it. */
  tracer?: Tracer;
  now?: () => number;
}

/** What every stage may use: the pipeline's dependencies with their defaults filled in (the lock and runs stay with the queue stage). */
export interface StageDeps extends Omit<PipelineDeps, "locks" | "runs" | "historyLimit" | "now" | "heldBehindMs" | "locale" | "tracer" | "retakeLostAfterMs"> {
  historyLimit: number;
  locale: Locale;
  tracer: Tracer;
  now: () => number;
}

export function stageDeps(deps: PipelineDeps): StageDeps {
  const { locks: _locks, runs: _runs, heldBehindMs: _heldBehindMs, retakeLostAfterMs: _retakeLostAfterMs, ...rest } = deps;
  return { ...rest, historyLimit: deps.historyLimit ?? 200, locale: deps.locale ?? "en", tracer: deps.tracer ?? noTracer, now: deps.now ?? Date.now };
}

export function adapterFor(deps: Pick<StageDeps, "adapters">, conversation: ConversationRef): Adapter {
  const adapter = deps.adapters.get(channelOf(conversation));
  if (!adapter) throw new BridgeError("internal", `No adapter for channel ${channelOf(conversation)}`);
  return adapter;
}

/** A short text answer, as part 0 of the message's reply. */
export function replyText(deps: Pick<StageDeps, "delivery">, key: string, to: ConversationRef, text: string) {
  return deps.delivery.send(`${key}:0`, to, { type: "markdown", text });
}

/** The language to answer `message` in: its sender's own where the platform told it, else the default. */
export function localeOf(message: Pick<InboundMessage, "sender">, deps: { locale?: Locale }): Locale {
  return message.sender.locale ?? deps.locale ?? "en";
}
