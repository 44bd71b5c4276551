import { EventDispatcher, LoggerLevel, WSClient } from "@larksuiteoapi/node-sdk";
import type { FeishuConfig } from "../../core/config-platforms.ts";
import type { Adapter, AdapterDeps, ChannelHealth, HttpRoute, InboundSink } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { createCall, createClient, createTokenCache, fetchBotInfo, sdkDomain, sdkLogger } from "./api.ts";
import { downloadResource } from "./media.ts";
import {
  cardActionSchema,
  cardActionToInbound,
  fromLegacyCardAction,
  legacyCardActionSchema,
  messageEventSchema,
  platform,
  toInboundMessage,
  type CardAction,
} from "./inbound.ts";
import { createFeishuCatchUp } from "./catch-up.ts";
import { createOutbound } from "./outbound.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";
import { createWebhookHandler, type Outcome } from "./webhook.ts";
import { createNameCache } from "../kit/name-cache.ts";
import { createConnectionLifecycle, type ConnectionLifecycle } from "../kit/connection-lifecycle.ts";

export interface FeishuAdapterOptions {
  /** First wait before asking for the bot's identity again after a failure (doubles up to a minute). */
  retryBotInfoMs?: number;
  /**
   * Long connection: no frame within this many seconds after a ping (the SDK pings every PingInterval
   * Feishu sets, 120 s) and the SDK's own watchdog closes the socket and reconnects. Default 30. Must
   * be shorter than PingInterval: each ping restarts the SDK's timer.
   */
  pingTimeoutSec?: number;
  /** Long connection: a websocket handshake that takes longer is abandoned and retried. Default 15 s. */
  handshakeTimeoutMs?: number;
  /** Every Open Platform call gives up after this (then a retryable "timeout"). Default 30 s. */
  callTimeoutMs?: number;
}

type Received = "accepted" | "ignored" | "malformed";

/**
 * Feishu / Lark. The long connection (`WSClient`) by default; with `FEISHU_CONNECTION=webhook`,
 * events and card callbacks at `POST /webhooks/feishu/events` and `/webhooks/feishu/cards`.
 */
export function createFeishuAdapter(settings: FeishuConfig, deps: AdapterDeps, options: FeishuAdapterOptions = {}): Adapter {
  const logger = deps.logger;
  const cache = createTokenCache();
  const client = createClient(settings, cache, logger, options.callTimeoutMs);
  const call = createCall(cache, logger);
  /** Message ids the bot sent (replying to one addresses the bot) and the kind of each chat seen (for card clicks). */
  const sentIds = createBoundedMap<true>(5000);
  const chatKinds = createBoundedMap<ConversationRef["kind"]>(5000);
  let bot: { openId: string; name: string } | undefined;
  let sink: InboundSink | undefined;
  let connection: ConnectionLifecycle | undefined;
  let lifetime: AbortController | undefined;
  let running: Promise<void> | undefined;
  let health: ChannelHealth = { state: "starting" };
  let botInfoTimer: NodeJS.Timeout | undefined;
  let isStopped = false;

  const fetchOwn = (ref: MediaRef) => downloadResource(client, call, ref, deps.maxMediaBytes);
  const outbound = createOutbound({ client, call, logger, fetchOwn, maxMediaBytes: deps.maxMediaBytes, storedFiles: deps.storedFiles, rememberSent: (id) => sentIds.set(id, true) });

  /** Whether the bot wrote `messageId`: remembered when sent here, else asked of Feishu (another process may have sent it). */
  const isBotMessage = async (messageId: string): Promise<boolean> => {
    if (sentIds.has(messageId)) return true;
    try {
      const response = await call("im.message.get", () => client.im.message.get({ path: { message_id: messageId } }));
      const sender = response?.data?.items?.[0]?.sender;
      return sender?.sender_type === "app" && sender.id === settings.appId;
    } catch (error) {
      logger.debug({ err: error, messageId }, "could not look up the replied-to message");
      return false;
    }
  };

  // Events carry open_ids only; pairing requests and the agent read better with a name (contact:user.base:readonly).
  const userName = createNameCache(async (openId) => {
    const body = await call("contact/v3/users", () =>
      client.request({ method: "GET", url: `/open-apis/contact/v3/users/${encodeURIComponent(openId)}`, params: { user_id_type: "open_id" } }),
    );
    return (body as { data?: { user?: { name?: string } } } | null)?.data?.user?.name;
  }, logger);

  const receive = async (message: Parameters<InboundSink["receive"]>[0]): Promise<void> => {
    if (!sink) throw new BridgeError("upstream", "Feishu channel is not started");
    if (message.sender.displayName === message.sender.id) message.sender.displayName = await userName(message.sender.id);
    await sink.receive(message);
  };

  const handleMessageEvent = async (data: unknown): Promise<Received> => {
    const parsed = messageEventSchema.safeParse(data);
    if (!parsed.success) return "malformed";
    const event = parsed.data;
    const parentId = event.message.parent_id;
    const isParentOwn = parentId && event.message.chat_type !== "p2p" ? await isBotMessage(parentId) : false;
    const message = toInboundMessage(event, {
      botOpenId: bot?.openId,
      isOwnMessage: (id) => (id === parentId ? isParentOwn : sentIds.has(id)),
    });
    if (!message) return "ignored";
    chatKinds.set(message.conversation.chatId, message.conversation.kind);
    await receive(message);
    if (settings.connection === "websocket") catchUp.note(event.message.chat_id, Number(event.message.create_time), event.message.chat_type);
    return "accepted";
  };

  const catchUp = createFeishuCatchUp({
    client,
    call,
    logger,
    async deliver(event) {
      if ((await handleMessageEvent(event)) === "malformed") logger.warn({}, "feishu catch-up: a listed message did not parse");
    },
  });

  /** A click is answered with a toast; the agent's answer follows as a message. */
  const handleCardAction = async (action: CardAction): Promise<Received> => {
    // Card clicks do not say whether the chat is p2p: the kind seen on its messages, else "group" (stricter).
    const kind = chatKinds.get(action.context.open_chat_id) ?? "group";
    const message = cardActionToInbound(action, kind, Date.now());
    if (!message) return "ignored";
    await receive(message);
    return "accepted";
  };

  const toast = { toast: { type: "info", content: "Received" } };

  const onEvent = async (body: Record<string, unknown>): Promise<Outcome> => {
    const head = body.header as { event_type?: unknown } | undefined;
    const event = body.event as { type?: unknown } | undefined;
    const eventType = body.schema !== undefined ? head?.event_type : event?.type;
    if (eventType === "im.message.receive_v1") {
      const received = await handleMessageEvent(event);
      return received === "malformed" ? { status: 400, body: { error: "event: not an im.message.receive_v1 event" } } : { status: 200, body: {} };
    }
    if (eventType === "card.action.trigger") {
      const parsed = cardActionSchema.safeParse(event);
      if (!parsed.success) return { status: 400, body: { error: "event: not a card.action.trigger event" } };
      await handleCardAction(parsed.data);
      return { status: 200, body: toast };
    }
    logger.debug({ eventType }, "Feishu event ignored");
    return { status: 200, body: {} };
  };

  const onLegacyCard = async (body: Record<string, unknown>): Promise<Outcome> => {
    const parsed = legacyCardActionSchema.safeParse(body);
    if (!parsed.success) return { status: 400, body: { error: "not a card callback" } };
    await handleCardAction(fromLegacyCardAction(parsed.data));
    return { status: 200, body: {} };
  };

  const webhook = createWebhookHandler(settings, { onEvent, onLegacyCard }, logger);
  const route = (path: string): HttpRoute => ({
    method: "POST",
    path,
    isOwnerOnly: false,
    handle: async (request, response) => {
      try {
        await webhook(request, response);
      } catch (error) {
        // Not started yet, or the inbox failed: Feishu retries a non-2xx.
        logger.error({ err: error }, "Feishu webhook failed");
        if (!response.headersSent) {
          response.writeHead(503, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: "not ready" }));
        }
      }
    },
  });

  const loadBotInfo = async (waitMs: number): Promise<void> => {
    try {
      bot = await fetchBotInfo(client, call);
      logger.info({ botOpenId: bot.openId, name: bot.name }, "Feishu bot identified");
      if (settings.connection === "webhook") health = { state: "ready" };
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      logger.error({ err: error }, "Feishu: could not fetch the bot's identity; retrying");
      health = { state: "error", detail };
      if (!isStopped) {
        botInfoTimer = setTimeout(() => void loadBotInfo(Math.min(waitMs * 2, 60_000)), waitMs);
      }
    }
  };

  const startLongConnection = () => {
    if (!/^cli_[0-9a-fA-F]{16}$/.test(settings.appId)) {
      health = { state: "error", detail: "FEISHU_APP_ID must look like cli_ followed by 16 hex digits for the long connection" };
      return;
    }
    const dispatcher = new EventDispatcher({ logger: sdkLogger(logger), loggerLevel: LoggerLevel.warn }).register({
      "im.message.receive_v1": async (data: unknown) => {
        if ((await handleMessageEvent(data)) === "malformed") logger.warn({}, "Feishu: malformed im.message.receive_v1 ignored");
      },
      "card.action.trigger": async (data: unknown) => {
        const parsed = cardActionSchema.safeParse(data);
        if (!parsed.success) return undefined;
        await handleCardAction(parsed.data);
        return toast;
      },
    } as Record<string, (data: unknown) => Promise<unknown>>);
    lifetime = new AbortController();
    connection = longConnection(dispatcher);
    running = connection.run(lifetime.signal);
  };

  /**
   * The SDK's WSClient reconnects a dropped socket itself (its own ping watchdog closes a silent one); the kit's
   * connection lifecycle shows its state and starts a new client, after a backoff, when the SDK gives up.
   */
  const longConnection = (dispatcher: EventDispatcher) =>
    createConnectionLifecycle({
      what: "Feishu long connection",
      logger,
      backoff: { minMs: 1000, maxMs: 60_000 },
      describeFailure: (error) => ({ detail: `the long connection failed (${error instanceof Error ? error.message : String(error)}; check FEISHU_APP_ID / FEISHU_APP_SECRET)` }),
      async connect(session) {
        const gaveUp = Promise.withResolvers<void>();
        session.signal.addEventListener("abort", () => gaveUp.resolve(), { once: true });
        const client = new WSClient({
          appId: settings.appId,
          appSecret: settings.appSecret,
          domain: sdkDomain(settings.domain),
          logger: sdkLogger(logger),
          loggerLevel: LoggerLevel.warn,
          handshakeTimeoutMs: options.handshakeTimeoutMs ?? 15_000,
          wsConfig: { pingTimeout: options.pingTimeoutSec ?? 30 },
          onReady: () => {
            session.up();
            logger.info({}, "Feishu long connection up");
          },
          onReconnecting: () => {
            session.down("the long connection was lost; reconnecting");
            logger.warn({}, "Feishu long connection lost; reconnecting");
          },
          onReconnected: () => {
            session.up();
            logger.info({}, "Feishu long connection back");
            void catchUp.run();
          },
          onError: (error: Error) => gaveUp.reject(error),
        });
        void client.start({ eventDispatcher: dispatcher }).catch((error: unknown) => gaveUp.reject(error));
        try {
          await gaveUp.promise;
        } finally {
          client.close({ force: true });
        }
      },
    });

  const connectionHealth = (): ChannelHealth => {
    if (health.state === "stopped" || !connection) return health;
    if (!bot) return health.state === "error" ? health : { state: "starting", detail: "identifying the bot" };
    return connection.health();
  };

  return {
    platform,
    // Cards take up to 30 KB of JSON: 8,000 characters of CJK text (3 bytes each in UTF-8) plus escaping fit.
    // Feishu allows about 5 updates per second per message; one a second leaves room for the rest.
    capabilities: { maxTextLength: 8000, minEditIntervalMs: 1000, hasButtons: true, hasVoiceOut: true },
    routes: settings.connection === "webhook" ? [route("/webhooks/feishu/events"), route("/webhooks/feishu/cards")] : [],
    async start(inboundSink) {
      sink = inboundSink;
      isStopped = false;
      await loadBotInfo(options.retryBotInfoMs ?? 5000);
      if (settings.connection === "websocket") startLongConnection();
    },
    async stop() {
      isStopped = true;
      clearTimeout(botInfoTimer);
      lifetime?.abort();
      await running;
      sink = undefined;
      health = { state: "stopped" };
    },
    health: () => (settings.connection === "websocket" ? connectionHealth() : health),
    send: (to, part, options) => outbound.send(to, part, options),
    edit: (sent, part) => outbound.edit(sent, part),
    fetchMedia: fetchOwn,
    selfNames: () => (bot?.name ? [bot.name] : []),
  };
}
