import { WSClient, type WsFrame } from "@wecom/aibot-node-sdk";
import type { WecomConfig } from "../../core/config-platforms.ts";
import { createMemoryAdapterState } from "../../core/store/memory-adapter-state.ts";
import type { Adapter, AdapterDeps, ChannelHealth, InboundSink } from "../../core/types/adapter.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import { createConnectionLifecycle, type ConnectionSession } from "../kit/connection-lifecycle.ts";
import type { Logger } from "../../core/types/logger.ts";
import { toInbound } from "./inbound.ts";
import { downloadMedia } from "./media.ts";
import { createOutbound } from "./outbound.ts";
import { createReplyContexts } from "./reply-contexts.ts";

/** Timings and limits, with production defaults; tests shorten them. */
export interface WecomAdapterOptions {
  /** Base delay of the SDK's reconnect back-off (doubling up to 30 s). */
  reconnectIntervalMs?: number;
  /** The SDK's heartbeat: two unanswered in a row and it closes the socket and reconnects. Default 30 s. */
  heartbeatIntervalMs?: number;
  /** A socket that opened but got no answer to the login within this is closed and replaced. Default 15 s. */
  loginTimeoutMs?: number;
  /** The SDK's own HTTP calls give up after this. Default 30 s. */
  callTimeoutMs?: number;
  /** Consecutive rejected logins before the SDK gives up (the channel then stays in error). */
  maxAuthFailures?: number;
  /** How long `start` waits for the first login to succeed or fail. */
  startTimeoutMs?: number;
  /** How long after a message its req_id may carry the answer (WeCom keeps it a few minutes). */
  replyWindowMs?: number;
  /** Sent when someone opens the bot's chat for the first time that day; unset: nothing. */
  welcomeText?: string;
  now?: () => number;
}

/** The SDK logs through this: its chatter (frames with message bodies) at debug, problems as warnings. */
function sdkLogger(logger: Logger) {
  const line = (level: "debug" | "warn", message: string, args: unknown[]) =>
    logger[level]({ sdk: "aibot", ...(args.length > 0 ? { detail: args.map(String).join(" ") } : {}) }, message);
  return {
    debug: (message: string, ...args: unknown[]) => line("debug", message, args),
    info: (message: string, ...args: unknown[]) => line("debug", message, args),
    warn: (message: string, ...args: unknown[]) => line("warn", message, args),
    error: (message: string, ...args: unknown[]) => line("warn", message, args),
  };
}

/** The WeCom (企业微信) AI bot over its official long connection: no public URL, streaming answers bound to each message's req_id. */
export function createWecomAdapter(settings: WecomConfig, deps: AdapterDeps, options: WecomAdapterOptions = {}): Adapter {
  const { logger } = deps;
  const now = options.now ?? Date.now;
  let health: ChannelHealth = { state: "starting" };
  const inFlight = new Set<Promise<void>>();
  const contexts = createReplyContexts({ state: deps.state ?? createMemoryAdapterState(), windowMs: options.replyWindowMs ?? 5 * 60_000, now });
  const client = new WSClient({
    botId: settings.botId,
    secret: settings.botSecret,
    wsUrl: settings.wsUrl,
    reconnectInterval: options.reconnectIntervalMs ?? 1000,
    // A bridge keeps trying; the SDK caps the delay at 30 s.
    maxReconnectAttempts: -1,
    maxAuthFailureAttempts: options.maxAuthFailures ?? 5,
    heartbeatInterval: options.heartbeatIntervalMs ?? 30_000,
    requestTimeout: options.callTimeoutMs ?? 30_000,
    logger: sdkLogger(logger),
  });
  let session: ConnectionSession | undefined;
  const lifetime = new AbortController();
  let running: Promise<void> | undefined;
  // The SDK reconnects a dropped socket itself (with its back-off); the lifecycle watches the login, which the
  // SDK would wait for forever (it starts its heartbeat only after the login is answered).
  const lifecycle = createConnectionLifecycle({
    what: "WeCom long connection",
    logger,
    backoff: { minMs: options.reconnectIntervalMs ?? 1000, maxMs: 30_000 },
    connectTimeoutMs: options.loginTimeoutMs ?? 15_000,
    onHealth: (next) => {
      if (health.state !== "stopped") health = next;
    },
    async connect(current) {
      session = current;
      // As the SDK's own heartbeat check does: cut the socket and let its close handler reconnect (with its
      // back-off). disconnect() + connect() would race the old socket's late close against the new one.
      current.onReplace(() => {
        const socket = (client as unknown as { wsManager?: { ws?: { terminate(): void } | null } }).wsManager?.ws;
        if (socket) {
          socket.terminate();
        } else {
          client.disconnect();
          client.connect();
        }
      });
      client.connect();
      await new Promise((resolve) => current.signal.addEventListener("abort", resolve, { once: true }));
      session = undefined;
      client.disconnect();
    },
  });
  const fetchMedia = (ref: Parameters<Adapter["fetchMedia"]>[0]) => downloadMedia(ref, deps.maxMediaBytes);
  const outbound = createOutbound({ client, contexts, logger, now, fetchOwn: fetchMedia, maxMediaBytes: deps.maxMediaBytes, storedFiles: deps.storedFiles });

  const handle = async (sink: InboundSink, frame: WsFrame) => {
    const inbound = toInbound(frame.body, settings.botId, now());
    switch (inbound.type) {
      case "ignored":
        logger.debug({ reason: inbound.reason }, "callback ignored");
        return;
      case "enter-chat":
        if (options.welcomeText) await client.replyWelcome(frame, { msgtype: "text", text: { content: options.welcomeText } });
        return;
      case "message": {
        if (inbound.isReplyable) await contexts.remember(inbound.message.id, frame.headers.req_id);
        const receipt = await sink.receive(inbound.message);
        if (receipt.isDuplicate) logger.debug({ messageId: inbound.message.id }, "duplicate callback");
      }
    }
  };

  const track = (work: Promise<void>) => {
    const tracked = work
      .catch((thrown: unknown) => logger.error({ err: toBridgeError(thrown) }, "WeCom callback failed"))
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  return {
    platform: "wecom",
    capabilities: {
      // 20,480 bytes of UTF-8 per stream: 6,000 characters stay under it even when all are CJK (3 bytes each).
      maxTextLength: 6000,
      minEditIntervalMs: 500,
      hasButtons: true,
      hasVoiceOut: false,
      needsFinalEdit: true,
    },

    async start(sink, signal) {
      client.on("message", (frame) => track(handle(sink, frame)));
      client.on("event", (frame) => track(handle(sink, frame)));
      client.on("connected", () => session?.connecting());
      client.on("disconnected", (reason) => {
        if (health.state === "error" || health.state === "stopped" || health.state === "degraded") return session?.down();
        // WeCom allows one connection per bot and closes the older one; the SDK does not reconnect then.
        if (/new connection/i.test(reason)) {
          session?.down();
          session?.show({ state: "error", detail: "another connection took over this bot (WeCom allows one per bot); restart to take it back" });
        } else {
          session?.down(`reconnecting: ${reason}`);
        }
      });
      client.on("error", (error) => {
        const isAuth = /auth/i.test(error.message);
        logger.warn({ err: error.message }, "WeCom long connection error");
        if (isAuth) {
          session?.show({ state: "error", detail: `WeCom refused the login (${error.message}); check WECOM_BOT_ID and WECOM_BOT_SECRET` });
        } else if (health.state !== "ready" && health.state !== "stopped" && health.state !== "error") {
          session?.show({ state: "starting", detail: error.message });
        }
      });
      let settle: () => void = () => undefined;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      client.on("authenticated", () => {
        session?.up();
        logger.info({}, "WeCom long connection ready");
        settle();
      });
      client.on("error", () => settle());
      signal.addEventListener("abort", () => settle(), { once: true });
      signal.addEventListener("abort", () => lifetime.abort(), { once: true });
      running = lifecycle.run(lifetime.signal);
      const timer = setTimeout(settle, options.startTimeoutMs ?? 5000);
      await settled;
      clearTimeout(timer);
    },

    async stop() {
      await Promise.allSettled([...inFlight]);
      await outbound.stop();
      health = { state: "stopped" };
      lifetime.abort();
      await running;
      client.removeAllListeners();
    },

    health: () => health,
    send: outbound.send,
    edit: outbound.edit,
    fetchMedia,
  };
}
