import type { DiscordConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps, ChannelHealth, FetchedMedia, InboundSink } from "../../core/types/adapter.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import { parseCommand } from "../../core/commands.ts";
import { promptText, type MediaRef } from "../../core/types/message.ts";
import { buttonCommand } from "../../core/types/reply.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";
import { registerSlashCommands } from "./commands.ts";
import { createConnectionLifecycle } from "../kit/connection-lifecycle.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { readLimited } from "../kit/media-download.ts";
import { GatewayRefused, runDiscordGateway } from "./gateway.ts";
import { interactionMessageId, interactionSchema, type DiscordInteraction, interactionToInbound, interactionType, messageToInbound, platform, type InboundContext, type ThreadInfo } from "./inbound.ts";
import { createDiscordOutbound, type PendingInteraction } from "./outbound.ts";
import { createDiscordRest } from "./rest.ts";

export interface DiscordAdapterOptions {
  /** Every REST call gives up after this (then a retryable "timeout"). Default 30 s. */
  callTimeoutMs?: number;
  /** After a failed start (Discord unreachable), the next attempt waits this long, doubling up to a minute. Default 5 s. */
  connectRetryMs?: number;
}

/** Where attachments may be downloaded from: Discord's CDN, or the REST host (a fake in tests). */
const mediaHosts = (apiBase: string) => new Set(["cdn.discordapp.com", "media.discordapp.net", new URL(apiBase).host]);

const threadEvent = (payload: unknown): { id: string; parentId: string; ownerId: string | undefined } | undefined => {
  const thread = payload as { id?: unknown; parent_id?: unknown; owner_id?: unknown } | null;
  if (!thread || typeof thread.id !== "string" || typeof thread.parent_id !== "string") return undefined;
  return { id: thread.id, parentId: thread.parent_id, ownerId: typeof thread.owner_id === "string" ? thread.owner_id : undefined };
};

/**
 * Discord over its gateway (@discordjs/ws) and HTTP API (fetch): DMs, server messages that address the bot,
 * threads the bot opens for a conversation, slash commands and buttons (interactions), streaming by edits.
 */
export function createDiscordAdapter(settings: DiscordConfig, deps: AdapterDeps, options: DiscordAdapterOptions = {}): Adapter {
  const { logger } = deps;
  const rest = createDiscordRest({ apiBase: settings.apiBase, botToken: settings.botToken, callTimeoutMs: options.callTimeoutMs });
  let isStopped = false;
  let sink: InboundSink | undefined;
  let selfId = "";
  let selfName: string | undefined;
  let areCommandsRegistered = false;
  const threads = createBoundedMap<ThreadInfo>(10_000);
  const interactions = createBoundedMap<PendingInteraction>(2_000);
  const threadNames = createBoundedMap<string>(2_000);
  /** Server channels known not to be threads. */
  const plainChannels = createBoundedMap<true>(10_000);
  const context: InboundContext = { get selfId() { return selfId; }, hasThreads: settings.hasThreads, threadOf: (id) => threads.get(id) };
  /** Events are taken in one at a time, in the gateway's order. */
  let intake: Promise<void> = Promise.resolve();

  const rememberThread = (payload: unknown) => {
    const thread = threadEvent(payload);
    if (thread) threads.set(thread.id, { parentId: thread.parentId, isOwnedBySelf: thread.ownerId !== undefined && thread.ownerId === selfId });
  };

  const onReady = (payload: unknown) => {
    const ready = payload as { user?: { id?: string; username?: string }; application?: { id?: string } };
    selfId = ready.user?.id ?? selfId;
    selfName = ready.user?.username ?? selfName;
    const applicationId = ready.application?.id;
    logger.info({ botUserId: selfId, username: selfName }, "Discord bot connected");
    if (applicationId && !areCommandsRegistered) {
      areCommandsRegistered = true;
      registerSlashCommands(rest, applicationId).catch((error: unknown) => {
        areCommandsRegistered = false;
        logger.warn({ err: error }, "could not register Discord's slash commands; typed commands still work");
      });
    }
  };

  /**
   * A server channel seen for the first time may be a thread the bot opened before a restart (and Discord did not
   * list it in GUILD_CREATE): one GET tells, and is remembered.
   */
  const learnChannel = async (payload: unknown) => {
    const { channel_id: channelId, guild_id: guildId, author } = (payload ?? {}) as { channel_id?: unknown; guild_id?: unknown; author?: { bot?: unknown } };
    if (typeof channelId !== "string" || typeof guildId !== "string" || author?.bot === true) return;
    if (threads.has(channelId) || plainChannels.has(channelId)) return;
    try {
      const channel = await rest.request<{ type?: number; parent_id?: string | null; owner_id?: string }>("GET", `/channels/${channelId}`);
      // 10, 11, 12: announcement, public and private threads.
      if (channel.type !== undefined && [10, 11, 12].includes(channel.type) && channel.parent_id) rememberThread({ id: channelId, ...channel });
      else plainChannels.set(channelId, true);
    } catch (error) {
      logger.debug({ err: error, channelId }, "could not look up a Discord channel; taken as a plain channel this time");
    }
  };

  const onMessage = async (payload: unknown) => {
    await learnChannel(payload);
    const message = messageToInbound(payload, context);
    if (!message || !sink) return;
    if (message.conversation.threadId === message.id) threadNames.set(message.id, promptText(message.segments).split("\n")[0] ?? "");
    const receipt = await sink.receive(message);
    logger.debug({ id: message.id, isDuplicate: receipt.isDuplicate }, "discord message received");
  };

  /**
   * Acknowledged the moment it arrives, outside the queue of events (Discord waits 3 s at most), and deferred:
   * 5 shows "thinking…" under a slash command, 6 leaves a button's message as it is. The answer waits for it.
   */
  const acknowledge = (payload: unknown): DiscordInteraction | undefined => {
    const parsed = interactionSchema.safeParse(payload);
    if (!parsed.success) return undefined;
    const interaction = parsed.data;
    const kind = interaction.type === interactionType.command ? "command" : interaction.type === interactionType.component ? "component" : undefined;
    if (!kind) return undefined;
    const id = interactionMessageId(interaction.id);
    if (interactions.has(id)) return interaction;
    // A button that stands for a prompt ("echo pressed") is answered in the conversation like a typed message; one
    // that is a control command or an approval decision is answered to its presser only.
    const isPrompt = kind === "component" && parseCommand(buttonCommand(interaction.data?.custom_id ?? ""), []).type === "prompt";
    const acknowledged = rest
      .request("POST", `/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: kind === "command" ? 5 : 6 }, isTokenless: true })
      .then(
        () => undefined,
        (error: unknown) => logger.warn({ err: error }, "could not acknowledge a Discord interaction"),
      );
    if (!isPrompt) interactions.set(id, { applicationId: interaction.application_id, token: interaction.token, kind, isAnswered: false, acknowledged });
    return interaction;
  };

  const onInteraction = async (interaction: DiscordInteraction) => {
    const message = interactionToInbound(interaction, context);
    if (message && sink) await sink.receive(message);
  };

  const dispatch = (event: { t: string; d: unknown }) => {
    const interaction = event.t === "INTERACTION_CREATE" ? acknowledge(event.d) : undefined;
    const work = async () => {
      switch (event.t) {
        case "READY":
          return onReady(event.d);
        case "GUILD_CREATE":
          for (const thread of (event.d as { threads?: unknown[] }).threads ?? []) rememberThread(thread);
          return;
        case "THREAD_CREATE":
        case "THREAD_UPDATE":
          return rememberThread(event.d);
        case "MESSAGE_CREATE":
          return onMessage(event.d);
        case "INTERACTION_CREATE":
          return interaction && onInteraction(interaction);
        default:
          return;
      }
    };
    intake = intake.then(work).catch((error: unknown) => logger.error({ err: toBridgeError(error), event: event.t }, "a Discord event could not be taken in"));
  };

  const connection = createConnectionLifecycle({
    what: "Discord gateway",
    logger,
    backoff: { minMs: options.connectRetryMs ?? 5000, maxMs: 60_000 },
    describeFailure: (error) => {
      const bridgeError = toBridgeError(error, "upstream");
      return { detail: bridgeError.message, ...(bridgeError.retryAfterMs !== undefined ? { waitMs: bridgeError.retryAfterMs } : {}) };
    },
    async connect(session) {
      try {
        await runDiscordGateway({ botToken: settings.botToken, rest, gatewayUrl: settings.gatewayUrl, dispatch, logger }, session);
      } catch (error) {
        const isFinal = error instanceof GatewayRefused || toBridgeError(error).code === "unauthorized";
        if (!isFinal) throw error;
        // Why Discord refused for good (a bad token, intents): shown on /readyz, never retried.
        const refusal = toBridgeError(error, "upstream");
        logger.error({ err: refusal, willRetry: false }, "Discord gateway could not connect");
        session.down();
        session.show({ state: "error", detail: refusal.message });
        // Parked until stopped: no later attempt fixes a refused token or intent.
        await new Promise<void>((resolve) => session.signal.addEventListener("abort", () => resolve(), { once: true }));
      }
    },
  });
  let lifetime: AbortController | undefined;
  let running: Promise<void> | undefined;

  const maxDownloadBytes = deps.maxMediaBytes;
  const allowedHosts = mediaHosts(settings.apiBase);
  const fetchMedia = async (ref: MediaRef): Promise<FetchedMedia> => {
    const tooBig = (sizeBytes: number | undefined) => mediaTooBig(sizeBytes, maxDownloadBytes);
    if (ref.sizeBytes !== undefined && ref.sizeBytes > maxDownloadBytes) throw tooBig(ref.sizeBytes);
    if (!ref.url || !allowedHosts.has(new URL(ref.url).host)) throw new BridgeError("bad-input", "That attachment is not on Discord's CDN.");
    let response: Response;
    try {
      response = await fetch(ref.url, { signal: AbortSignal.timeout(120_000) });
    } catch (thrown) {
      throw new BridgeError("upstream", `Downloading a Discord attachment failed: ${toBridgeError(thrown).message}`, { cause: thrown });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new BridgeError(response.status >= 500 ? "upstream" : "bad-input", `Downloading a Discord attachment failed: HTTP ${response.status}`);
    }
    const bytes = await readLimited(response.body, maxDownloadBytes, tooBig, Number(response.headers.get("content-length") ?? Number.NaN));
    return { bytes, mimeType: ref.mimeType ?? response.headers.get("content-type") ?? "application/octet-stream", ...(ref.fileName ? { fileName: ref.fileName } : {}) };
  };

  const outbound = createDiscordOutbound({
    rest,
    logger,
    hasThreads: settings.hasThreads,
    fetchMedia,
    maxMediaBytes: deps.maxMediaBytes,
    storedFiles: deps.storedFiles,
    interactions,
    threads,
    threadName: (messageId) => threadNames.get(messageId),
  });

  return {
    platform,
    // 2,000 characters after rendering; the source is split a little below so escapes cannot push a piece over.
    // Discord allows 5 messages (edits included) per 5 s in a channel.
    capabilities: { maxTextLength: 1900, minEditIntervalMs: 1200, hasButtons: true, hasVoiceOut: true },
    async start(inboundSink) {
      sink = inboundSink;
      isStopped = false;
      lifetime = new AbortController();
      running = connection.run(lifetime.signal);
    },
    async stop() {
      isStopped = true;
      sink = undefined;
      lifetime?.abort();
      await running;
      await intake;
    },
    health: (): ChannelHealth => (isStopped ? { state: "stopped" } : running ? connection.health() : { state: "starting", detail: "connecting to Discord's gateway" }),
    send: (to, part, options) => outbound.send(to, part, options),
    edit: (sent, part) => outbound.edit(sent, part),
    showTyping: (to) => outbound.showTyping(to),
    fetchMedia,
    selfNames: () => (selfName ? [selfName, `@${selfName}`] : []),
  };
}
