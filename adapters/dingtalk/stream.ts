import WebSocket from "ws";
import { z } from "zod";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import { createConnectionLifecycle, type ConnectionSession } from "../kit/connection-lifecycle.ts";
import { callError, type ApiSettings } from "./api.ts";

/**
 * DingTalk Stream mode, written on `ws` (the official `dingtalk-stream` SDK has its gateway URL fixed to
 * api.dingtalk.com, acknowledges EVENT frames before the handler's work is done and reconnects at a fixed
 * 1 s without back-off). The protocol:
 * - `POST {apiBase}/v1.0/gateway/connections/open` `{clientId, clientSecret, subscriptions, ua}` → `{endpoint, ticket}`;
 * - a WebSocket to `endpoint?ticket=…`; frames `{specVersion, type: SYSTEM | EVENT | CALLBACK, headers {topic, messageId, …}, data}`;
 * - every EVENT and CALLBACK is acknowledged by its `messageId` (`{code: 200, headers: {contentType, messageId}, message, data}`);
 *   here only once its handler resolved (the inbox row is written); unacknowledged frames are sent again;
 * - SYSTEM `ping` is answered with its own headers and data; SYSTEM `disconnect` announces the end of this
 *   connection: a new one is opened at once (with a new ticket).
 * One ticket and socket is one session of the kit's connection lifecycle, which reconnects with backoff and
 * replaces a socket silent for two keep-alive intervals.
 */

export const robotTopic = "/v1.0/im/bot/messages/get";
export const cardCallbackTopic = "/v1.0/card/instances/callback";

const frameSchema = z.object({
  type: z.string(),
  headers: z.object({ topic: z.string().optional(), messageId: z.string().optional() }).passthrough(),
  data: z.string().optional(),
});
export type StreamFrame = z.infer<typeof frameSchema>;

const openSchema = z.object({ endpoint: z.string().regex(/^wss?:\/\//), ticket: z.string().min(1) });

export type StreamState = "connecting" | "open" | "reconnecting" | "refused" | "stopped";

export interface StreamClientOptions {
  settings: ApiSettings;
  logger: Logger;
  subscriptions: { type: "CALLBACK" | "EVENT"; topic: string }[];
  /** Handles an EVENT or CALLBACK frame; what it resolves to is the acknowledgement's `response`. Throwing leaves it unacknowledged. */
  onFrame(frame: StreamFrame): Promise<unknown>;
  onHealth?(health: ChannelHealth): void;
  /** WebSocket pings this often; no frame or pong for two of them and the socket is replaced. Default 30 s. */
  keepAliveMs?: number;
  minReconnectMs?: number;
  maxReconnectMs?: number;
}

/** How long a connection DingTalk announced the end of is kept for acknowledgements after the next one opened. */
const retireAfterMs = 10_000;

/** DingTalk announced the end of the connection: the session ends, and the next opens at once. */
class Retired extends Error {}

const stateOf = (health: ChannelHealth, hasBeenUp: boolean): StreamState => {
  if (health.state === "ready") return "open";
  if (health.state === "error") return "refused";
  if (health.state === "stopped") return "stopped";
  return hasBeenUp ? "reconnecting" : "connecting";
};

export function createStreamClient(options: StreamClientOptions) {
  const { settings, logger } = options;
  /** Announced connections, still open for the acknowledgements of frames being handled; they outlive their session. */
  const retiring = new Set<WebSocket>();
  const keepAliveMs = options.keepAliveMs ?? 30_000;
  let hasBeenUp = false;
  let lifetime: AbortController | undefined;
  let running: Promise<void> | undefined;

  const openTicket = async (): Promise<string> => {
    let response: Response;
    try {
      response = await fetch(`${settings.apiBase}/v1.0/gateway/connections/open`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ clientId: settings.clientId, clientSecret: settings.clientSecret, subscriptions: options.subscriptions, ua: "pincer" }),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new BridgeError("upstream", "DingTalk's stream gateway could not be reached", { cause: error });
    }
    const body: unknown = await response.json().catch(() => ({}));
    if (!response.ok) throw callError("connections/open", response.status, body, null);
    const parsed = openSchema.safeParse(body);
    if (!parsed.success) throw new BridgeError("upstream", "DingTalk's connections/open answer has no endpoint/ticket");
    return `${parsed.data.endpoint}${parsed.data.endpoint.includes("?") ? "&" : "?"}ticket=${encodeURIComponent(parsed.data.ticket)}`;
  };

  const send = (target: WebSocket, message: unknown) => {
    if (target.readyState === WebSocket.OPEN) target.send(JSON.stringify(message));
  };

  const acknowledge = (target: WebSocket, frame: StreamFrame, response: unknown) => {
    const data = frame.type === "EVENT" ? { status: "SUCCESS", message: "success" } : { response: response ?? null };
    send(target, { code: 200, headers: { contentType: "application/json", messageId: frame.headers.messageId }, message: "OK", data: JSON.stringify(data) });
  };

  /** Keeps an announced connection open a while for acknowledgements; DingTalk closes it, or we do. */
  const retire = (target: WebSocket) => {
    retiring.add(target);
    target.once("close", () => retiring.delete(target));
    setTimeout(() => target.close(1000, "replaced after disconnect"), retireAfterMs).unref();
  };

  /** Handles a frame on the socket it came on (acknowledgements go back on it); true when DingTalk announced the end. */
  const handle = (target: WebSocket, frame: StreamFrame): boolean => {
    if (frame.type === "SYSTEM") {
      if (frame.headers.topic === "ping") send(target, { code: 200, headers: frame.headers, message: "OK", data: frame.data ?? "" });
      return frame.headers.topic === "disconnect";
    }
    if (!frame.headers.messageId) return false;
    options
      .onFrame(frame)
      .then((response) => acknowledge(target, frame, response))
      .catch((error: unknown) => logger.error({ err: toBridgeError(error), topic: frame.headers.topic }, "DingTalk stream frame failed; left unacknowledged for redelivery"));
    return false;
  };

  /** One session: a ticket, a socket, until it closes, DingTalk announces its end, or the session is aborted. */
  const runSession = async (session: ConnectionSession): Promise<void> => {
    const url = await openTicket();
    if (session.signal.aborted) return;
    const target = new WebSocket(url);
    let pingTimer: NodeJS.Timeout | undefined;
    let isRetired = false;
    const ended = Promise.withResolvers<void>();
    const onAbort = () => ended.resolve();
    session.signal.addEventListener("abort", onAbort, { once: true });
    // A silent socket is cut; its close ends the session, and the lifecycle opens the next after the backoff.
    session.onReplace(() => target.terminate());
    target.on("open", () => {
      pingTimer = setInterval(() => target.readyState === WebSocket.OPEN && target.ping(), keepAliveMs);
      hasBeenUp = true;
      session.up();
      logger.info({}, "DingTalk stream connected");
    });
    target.on("pong", () => session.alive());
    target.on("message", (raw) => {
      session.alive();
      let frame: StreamFrame;
      try {
        frame = frameSchema.parse(JSON.parse(raw.toString()));
      } catch {
        logger.warn({}, "DingTalk stream: a frame that is not JSON was ignored");
        return;
      }
      if (!handle(target, frame) || isRetired) return;
      // DingTalk closes this connection shortly: the next one opens now, so no message waits for the gap; this one
      // stays open a little for the acknowledgements of frames still being handled.
      logger.info({}, "DingTalk announced the end of the stream connection; opening a new one");
      isRetired = true;
      retire(target);
      ended.reject(new Retired("DingTalk announced the end of the stream connection; opening a new one"));
    });
    target.on("error", (error) => logger.warn({ err: error.message }, "DingTalk stream socket error"));
    target.on("close", () => ended.reject(new Error("the stream connection closed; reconnecting")));
    try {
      await ended.promise;
    } finally {
      clearInterval(pingTimer);
      session.signal.removeEventListener("abort", onAbort);
      if (!isRetired) target.close(1000, "stopping");
    }
  };

  const lifecycle = createConnectionLifecycle({
    what: "DingTalk stream",
    logger,
    backoff: { minMs: options.minReconnectMs ?? 1000, maxMs: options.maxReconnectMs ?? 60_000 },
    silenceMs: keepAliveMs * 2,
    connectTimeoutMs: keepAliveMs * 2,
    describeFailure(error, wasUp) {
      if (error instanceof Retired) return { state: "degraded", detail: error.message, waitMs: 0 };
      const bridgeError = toBridgeError(error);
      if (bridgeError.code === "unauthorized" || bridgeError.code === "bad-input")
        return { state: "error", detail: `${bridgeError.message}; check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET` };
      return { state: wasUp ? "degraded" : "starting", detail: bridgeError.message };
    },
    ...(options.onHealth ? { onHealth: options.onHealth } : {}),
    connect: runSession,
  });

  return {
    start(): void {
      lifetime = new AbortController();
      running = lifecycle.run(lifetime.signal);
    },
    async stop(): Promise<void> {
      lifetime?.abort();
      await running;
      for (const old of retiring) old.close(1000, "stopping");
      retiring.clear();
    },
    health: () => lifecycle.health(),
    state: (): StreamState => stateOf(lifecycle.health(), hasBeenUp),
  };
}
