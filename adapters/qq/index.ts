import type { QqConfig } from "../../core/config-platforms.ts";
import { createMemoryAdapterState } from "../../core/store/memory-adapter-state.ts";
import type { Adapter, AdapterDeps, ChannelHealth, FetchedMedia, InboundSink } from "../../core/types/adapter.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { createBackoff } from "../kit/backoff.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import { readLimited } from "../kit/media-download.ts";
import { createParkingStore } from "../kit/parking-store.ts";
import { createReplyMailbox } from "../kit/reply-mailbox.ts";
import { createQqClient, QqApiError, windowRefusalCodes } from "./client.ts";
import { createQqGateway, intents, interactionIntent } from "./gateway-ws.ts";
import { interactionEvent, interactionId, interactionToInbound } from "./interaction.ts";
import { platform, targetOf, toInboundMessage, type QqPayload } from "./inbound.ts";
import { replyLimits, sendStep, stepParts, toSteps, withCue, type Step } from "./outbound.ts";
import { createQqSigner } from "./signature.ts";
import { createQqWebhook, type DispatchOutcome } from "./webhook.ts";

export const webhookPath = "/webhooks/qq";

const abortableDelay = (delayMs: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, delayMs);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

/** A failure no later attempt fixes (the file is gone or refused): dropped, never parked. */
const isPermanent = (error: unknown): boolean =>
  (error instanceof BridgeError && (error.code === "bad-input" || error.code === "unsupported" || error.code === "internal")) ||
  (error instanceof QqApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429 && !windowRefusalCodes.has(error.code));

async function download(url: string, maxBytes: number): Promise<Uint8Array> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (!response.ok || !response.body) throw new BridgeError("upstream", `QQ's file server answered HTTP ${response.status}`);
  return readLimited(response.body, maxBytes, (sizeBytes) => mediaTooBig(sizeBytes, maxBytes));
}

/**
 * The official QQ bot: C2C chats, groups (@mentions), guild channels (@mentions) and guild DMs, by the
 * signed webhook or the WebSocket gateway. Every reply is a passive reply inside the message's window
 * (the kit's reply-window engine); what does not fit waits for the person's next message.
 */
export async function createQqAdapter(settings: QqConfig, deps: AdapterDeps): Promise<Adapter> {
  const { logger } = deps;
  const now = Date.now;
  if (!deps.waitingReplies) throw new BridgeError("internal", "QQ needs the store's outbox to park replies");
  const client = createQqClient({ appId: settings.appId, appSecret: settings.appSecret, apiBase: settings.apiBase, tokenUrl: settings.tokenUrl });
  const signer = createQqSigner(settings.appSecret);
  let health: ChannelHealth = { state: "starting" };
  let selfId: string | undefined;
  let sink: InboundSink | undefined;
  let controller: AbortController | undefined;
  let running: Promise<void> | undefined;

  const fetchMedia = async (ref: MediaRef): Promise<FetchedMedia> => {
    if (!ref.url) throw new BridgeError("bad-input", "That QQ attachment cannot be downloaded.");
    if (ref.sizeBytes !== undefined && ref.sizeBytes > deps.maxMediaBytes) {
      throw mediaTooBig(ref.sizeBytes, deps.maxMediaBytes);
    }
    const bytes = await download(ref.url, deps.maxMediaBytes);
    return { bytes, mimeType: ref.mimeType ?? "application/octet-stream", ...(ref.fileName ? { fileName: ref.fileName } : {}) };
  };

  // A second QQ channel parks under its own id: the rows wait for its next message, and go out through its adapter.
  const channelId = deps.channelId ?? platform;
  const store = createParkingStore({
    platform: channelId,
    state: deps.state ?? createMemoryAdapterState(),
    waitingReplies: deps.waitingReplies,
    now,
    conversationOf: (chatId) => ({ platform, channelId, chatId, kind: targetOf(chatId)?.kind === "user" || targetOf(chatId)?.kind === "dms" ? "direct" : "group" }),
  });
  const sender = { client, isMarkdown: settings.hasMarkdown, readMedia: (ref: MediaRef) => readReplyMedia(ref, fetchMedia, deps.maxMediaBytes, deps.storedFiles) };
  const mailbox = createReplyMailbox<Step>({
    store,
    steps: {
      toSteps: (part) => toSteps(part, settings.hasMarkdown, settings.hasKeyboard),
      stepParts: (part) => stepParts(part, settings.hasMarkdown, settings.hasKeyboard),
      withCue,
    },
    send: (chatId, window, step, _clientId, stepKey) => {
      const target = targetOf(chatId);
      if (!target) throw new BridgeError("bad-input", `not a QQ chat: ${chatId}`);
      return sendStep(sender, target, window, step, stepKey);
    },
    isRefusal: (error) => error instanceof QqApiError && windowRefusalCodes.has(error.code),
    isPermanent,
    limits: (chatId) => replyLimits(targetOf(chatId)?.kind ?? "group"),
    logger,
    now,
  });

  /** A button press is acknowledged (QQ's client shows a spinner until then) once it is in the inbox, or was not for us. */
  const acknowledgePress = (payload: QqPayload) => {
    const id = payload.t === interactionEvent ? interactionId(payload.d) : undefined;
    if (id) void client.acknowledgeInteraction(id).catch((error: unknown) => logger.warn({ err: error }, "could not acknowledge a QQ button press"));
  };

  /** A message event (or a button press): its window opens (parked replies queue first), then it goes to the inbox. */
  const onDispatch = async (payload: QqPayload): Promise<DispatchOutcome> => {
    const message = payload.t === interactionEvent ? interactionToInbound(payload.d, now()) : payload.t ? toInboundMessage(payload.t, payload.d, now(), selfId) : undefined;
    if (!message || !sink) {
      if (!message) acknowledgePress(payload);
      return message ? "not-stored" : "stored";
    }
    void mailbox.noteInbound(message.conversation.chatId, message.id).catch((error: unknown) => logger.warn({ err: error }, "delivering parked QQ replies failed"));
    try {
      await sink.receive(message);
      acknowledgePress(payload);
      return "stored";
    } catch (error) {
      logger.warn({ err: error }, "a QQ message was not stored");
      return "not-stored";
    }
  };

  const webhook = createQqWebhook({ signer, onDispatch, logger });

  return {
    platform,
    capabilities: {
      // Few, large parts: each spends one of the 5 replies a message allows.
      maxTextLength: 2000,
      minEditIntervalMs: 0,
      // Approval buttons where the bot may send keyboards (QQ_KEYBOARD); typed commands otherwise.
      hasButtons: settings.hasKeyboard,
      hasVoiceOut: false,
    },
    ...(settings.connection === "webhook"
      ? { routes: [{ method: "POST" as const, path: webhookPath, isOwnerOnly: false, handle: webhook }] }
      : {}),
    async start(inbound, signal) {
      sink = inbound;
      controller = new AbortController();
      const stopSignal = AbortSignal.any([controller.signal, signal]);
      if (settings.connection === "webhook") {
        // Ready once a token and the bot's identity were fetched; tried again, with backoff, until then.
        const { promise: firstAttempt, resolve: attempted } = Promise.withResolvers<void>();
        running = (async () => {
          const backoff = createBackoff({ minMs: 5_000, maxMs: 300_000 });
          while (!stopSignal.aborted) {
            try {
              selfId = (await client.me()).id;
              health = { state: "ready" };
              return;
            } catch (error) {
              health = { state: "error", detail: error instanceof Error ? error.message : String(error) };
              logger.error({ err: error }, "QQ: the access token or the bot's identity could not be fetched; trying again");
            } finally {
              attempted();
            }
            await abortableDelay(backoff.nextDelayMs(), stopSignal);
          }
        })();
        await firstAttempt;
        return;
      }
      const gateway = createQqGateway({
        client,
        onDispatch: async (payload) => {
          if ((await onDispatch(payload)) === "not-stored") throw new BridgeError("upstream", "not stored");
        },
        onReady: (id) => {
          if (id) selfId = id;
        },
        onHealth: (next) => {
          health = next;
        },
        logger,
        intents: settings.hasKeyboard ? intents | interactionIntent : intents,
      });
      running = gateway.run(stopSignal);
    },
    async stop() {
      controller?.abort();
      await running;
      await mailbox.idle();
      sink = undefined;
      health = { state: "stopped" };
    },
    health: () => health,
    async send(to, part, options) {
      const messageId = await mailbox.send(to.chatId, part, options?.idempotencyKey);
      return { conversation: to, messageId };
    },
    fetchMedia,
  };
}
