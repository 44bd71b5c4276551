import type { DingtalkConfig } from "../../core/config-platforms.ts";
import { createMemoryAdapterState } from "../../core/store/memory-adapter-state.ts";
import type { Adapter, AdapterDeps, ChannelHealth, HttpRoute, InboundSink } from "../../core/types/adapter.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { InboundMessage, MediaRef } from "../../core/types/message.ts";
import { createDingtalkApi } from "./api.ts";
import { cardCallbackSchema, cardCallbackToInbound, platform, robotMessageSchema, toInboundMessage } from "./inbound.ts";
import { downloadMedia } from "./media.ts";
import { createOutbound } from "./outbound.ts";
import { cardCallbackTopic, createStreamClient, robotTopic, type StreamFrame } from "./stream.ts";
import { createCallbackHandler, type Outcome } from "./webhook.ts";

/** Timings, with production defaults; tests shorten them. */
export interface DingtalkAdapterOptions {
  /** Stream mode: WebSocket pings this often; two silent intervals and the socket is replaced. Default 30 s. */
  keepAliveMs?: number;
  /** First reconnect delay (doubling up to a minute). Default 1 s. */
  minReconnectMs?: number;
  /** How long `start` waits for the stream's first connection. Default 5 s. */
  startTimeoutMs?: number;
  /** A slow answer without cards gets "working on it" after this. Default 8 s. */
  workingNoticeAfterMs?: number;
  now?: () => number;
}

type Received = "accepted" | "ignored" | "malformed";

/**
 * DingTalk (钉钉): an internal app's robot. Stream mode (a long connection, no public URL) by default;
 * with `DINGTALK_CONNECTION=webhook`, signed HTTP callbacks at `POST /webhooks/dingtalk`. Answers stream
 * into an AI card when `DINGTALK_CARD_TEMPLATE_ID` is set, else go as one markdown message.
 */
export function createDingtalkAdapter(settings: DingtalkConfig, deps: AdapterDeps, options: DingtalkAdapterOptions = {}): Adapter {
  const { logger } = deps;
  const now = options.now ?? Date.now;
  const api = createDingtalkApi(settings, { now });
  const robotCode = settings.clientId;
  const isStream = settings.connection === "stream";
  const hasCards = settings.cardTemplateId !== undefined;
  const outbound = createOutbound({
    api,
    state: deps.state ?? createMemoryAdapterState(),
    logger,
    robotCode,
    cardTemplateId: settings.cardTemplateId,
    hasCardCallbacks: isStream,
    now,
  });
  let sink: InboundSink | undefined;
  let health: ChannelHealth = { state: "starting" };

  const receive = async (message: InboundMessage) => {
    if (!sink) throw new BridgeError("upstream", "DingTalk channel is not started");
    const receipt = await sink.receive(message);
    if (receipt.isDuplicate) logger.debug({ messageId: message.id }, "DingTalk delivered a message again: answered once");
  };

  const handleRobotMessage = async (data: unknown): Promise<Received> => {
    const parsed = robotMessageSchema.safeParse(data);
    if (!parsed.success) return "malformed";
    const event = parsed.data;
    const message = toInboundMessage(event, now());
    if (!message) return "ignored";
    if (event.sessionWebhook && event.sessionWebhookExpiredTime && /^https?:\/\//.test(event.sessionWebhook)) {
      await outbound.rememberWebhook(message.conversation.chatId, { url: event.sessionWebhook, expiresAt: event.sessionWebhookExpiredTime });
    }
    await receive(message);
    return "accepted";
  };

  const handleCardCallback = async (data: unknown): Promise<Received> => {
    const parsed = cardCallbackSchema.safeParse(data);
    if (!parsed.success) return "malformed";
    const conversation = await outbound.cardConversation(parsed.data.outTrackId);
    if (!conversation) return "ignored";
    const message = cardCallbackToInbound(parsed.data, { platform, ...conversation }, now());
    if (!message) return "ignored";
    await receive(message);
    return "accepted";
  };

  /** Resolves once the inbox has the message (the frame is then acknowledged); a malformed frame is acknowledged too. */
  const onFrame = async (frame: StreamFrame): Promise<unknown> => {
    let data: unknown;
    try {
      data = JSON.parse(frame.data ?? "");
    } catch {
      logger.warn({ topic: frame.headers.topic }, "DingTalk stream: a frame whose data is not JSON was acknowledged and dropped");
      return null;
    }
    const topic = frame.headers.topic;
    const received = topic === robotTopic ? await handleRobotMessage(data) : topic === cardCallbackTopic ? await handleCardCallback(data) : "ignored";
    if (received === "malformed") logger.warn({ topic }, "DingTalk stream: a malformed callback was acknowledged and dropped");
    return topic === cardCallbackTopic ? {} : null;
  };

  let settleStart: () => void = () => undefined;
  /** The first connection, or DingTalk refusing the app, settles `start`. */
  const onHealth = (next: ChannelHealth) => {
    if (next.state === "ready" || next.state === "error") settleStart();
  };

  const stream = isStream
    ? createStreamClient({
        settings,
        logger,
        subscriptions: [
          { type: "CALLBACK", topic: robotTopic },
          ...(hasCards ? [{ type: "CALLBACK" as const, topic: cardCallbackTopic }] : []),
        ],
        onFrame,
        onHealth,
        ...(options.keepAliveMs !== undefined ? { keepAliveMs: options.keepAliveMs } : {}),
        ...(options.minReconnectMs !== undefined ? { minReconnectMs: options.minReconnectMs } : {}),
      })
    : undefined;

  const onCallbackBody = async (body: unknown): Promise<Outcome> => {
    const received = await handleRobotMessage(body);
    return received === "malformed" ? { status: 400, body: { error: "not a DingTalk robot message" } } : { status: 200, body: {} };
  };
  const callback = createCallbackHandler(settings.clientSecret, onCallbackBody, logger, now);
  const route: HttpRoute = {
    method: "POST",
    path: "/webhooks/dingtalk",
    isOwnerOnly: false,
    handle: async (request, response) => {
      try {
        await callback(request, response);
      } catch (error) {
        // Not started yet, or the inbox failed: DingTalk retries a non-2xx.
        logger.error({ err: toBridgeError(error) }, "DingTalk callback failed");
        if (!response.headersSent) {
          response.writeHead(503, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: "not ready" }));
        }
      }
    },
  };

  return {
    platform,
    capabilities: {
      // groupMessages/send takes 15,000 bytes of msgParam: 4,000 characters stay under it even when all are CJK.
      maxTextLength: 4000,
      // Card streaming updates count against the app's API quota: two a second at most.
      minEditIntervalMs: 500,
      hasButtons: hasCards,
      hasVoiceOut: false,
      ...(hasCards ? { needsFinalEdit: true } : { workingNoticeAfterMs: options.workingNoticeAfterMs ?? 8000 }),
    },
    routes: isStream ? [] : [route],

    async start(inboundSink, signal) {
      sink = inboundSink;
      if (!stream) {
        try {
          await api.token();
          health = { state: "ready" };
        } catch (error) {
          health = { state: "error", detail: toBridgeError(error).message };
        }
        return;
      }
      const settled = new Promise<void>((resolve) => (settleStart = resolve));
      signal.addEventListener("abort", () => settleStart(), { once: true });
      stream.start();
      const timer = setTimeout(() => settleStart(), options.startTimeoutMs ?? 5000);
      await settled;
      clearTimeout(timer);
    },

    async stop() {
      await stream?.stop();
      sink = undefined;
      health = { state: "stopped" };
    },

    health: () => (stream && health.state !== "stopped" ? stream.health() : health),
    send: outbound.send,
    ...(hasCards ? { edit: outbound.edit } : {}),
    fetchMedia: (ref: MediaRef) => downloadMedia(api, robotCode, ref, deps.maxMediaBytes),
  };
}
