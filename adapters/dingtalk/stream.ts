import WebSocket from "ws";
import { z } from "zod";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createBackoff } from "../kit/backoff.ts";
import { createSilenceWatchdog } from "../kit/silence-watchdog.ts";
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
  onStateChange?(state: StreamState, detail?: string): void;
  /** WebSocket pings this often; no frame or pong for two of them and the socket is replaced. Default 30 s. */
  keepAliveMs?: number;
  minReconnectMs?: number;
  maxReconnectMs?: number;
}

/** How long a connection DingTalk announced the end of is kept for acknowledgements after the next one opened. */
const retireAfterMs = 10_000;

export function createStreamClient(options: StreamClientOptions) {
  const { settings, logger } = options;
  const retiring = new Set<WebSocket>();
  const keepAliveMs = options.keepAliveMs ?? 30_000;
  const backoff = createBackoff({ minMs: options.minReconnectMs ?? 1000, maxMs: options.maxReconnectMs ?? 60_000 });
  let socket: WebSocket | undefined;
  let state: StreamState = "connecting";
  let isStopped = false;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;
  const watchdog = createSilenceWatchdog({
    silenceMs: keepAliveMs * 2,
    onSilent(silentForMs) {
      logger.warn({ silentForMs }, "DingTalk stream went quiet; replacing the connection");
      socket?.terminate();
    },
  });

  const setState = (next: StreamState, detail?: string) => {
    state = next;
    options.onStateChange?.(next, detail);
  };

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

  const handle = (target: WebSocket, frame: StreamFrame) => {
    if (frame.type === "SYSTEM") {
      if (frame.headers.topic === "ping") {
        send(target, { code: 200, headers: frame.headers, message: "OK", data: frame.data ?? "" });
      } else if (frame.headers.topic === "disconnect") {
        // DingTalk closes this connection shortly: the next one opens now, so no message waits for the gap; this one
        // stays open a little for the acknowledgements of frames still being handled.
        logger.info({}, "DingTalk announced the end of the stream connection; opening a new one");
        if (socket === target) socket = undefined;
        retiring.add(target);
        target.once("close", () => retiring.delete(target));
        watchdog.disarm();
        clearInterval(pingTimer);
        setTimeout(() => target.close(1000, "replaced after disconnect"), retireAfterMs).unref();
        void connect();
      }
      return;
    }
    if (!frame.headers.messageId) return;
    options
      .onFrame(frame)
      .then((response) => acknowledge(target, frame, response))
      .catch((error: unknown) => logger.error({ err: toBridgeError(error), topic: frame.headers.topic }, "DingTalk stream frame failed; left unacknowledged for redelivery"));
  };

  const scheduleReconnect = () => {
    if (isStopped || reconnectTimer) return;
    const delayMs = backoff.nextDelayMs();
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void connect();
    }, delayMs);
  };

  const connect = async (): Promise<void> => {
    if (isStopped) return;
    let url: string;
    try {
      url = await openTicket();
    } catch (error) {
      const bridgeError = toBridgeError(error);
      const isRefused = bridgeError.code === "unauthorized" || bridgeError.code === "bad-input";
      logger.warn({ err: bridgeError.message }, "DingTalk stream: could not open a connection");
      setState(isRefused ? "refused" : "reconnecting", isRefused ? `${bridgeError.message}; check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET` : bridgeError.message);
      scheduleReconnect();
      return;
    }
    if (isStopped) return;
    const target = new WebSocket(url);
    socket = target;
    target.on("open", () => {
      backoff.reset();
      watchdog.arm();
      clearInterval(pingTimer);
      pingTimer = setInterval(() => target.readyState === WebSocket.OPEN && target.ping(), keepAliveMs);
      setState("open");
      logger.info({}, "DingTalk stream connected");
    });
    target.on("pong", () => watchdog.touch());
    target.on("message", (raw) => {
      watchdog.touch();
      let frame: StreamFrame;
      try {
        frame = frameSchema.parse(JSON.parse(raw.toString()));
      } catch {
        logger.warn({}, "DingTalk stream: a frame that is not JSON was ignored");
        return;
      }
      handle(target, frame);
    });
    target.on("error", (error) => logger.warn({ err: error.message }, "DingTalk stream socket error"));
    target.on("close", () => {
      if (socket !== target) return;
      socket = undefined;
      watchdog.disarm();
      clearInterval(pingTimer);
      if (isStopped) return;
      setState("reconnecting", "the stream connection closed; reconnecting");
      // A dropped socket: a new ticket after the back-off (which starts again at its minimum after each open).
      scheduleReconnect();
    });
  };

  return {
    start(): void {
      isStopped = false;
      setState("connecting");
      void connect();
    },
    stop(): void {
      isStopped = true;
      clearTimeout(reconnectTimer);
      clearInterval(pingTimer);
      watchdog.disarm();
      socket?.close(1000, "stopping");
      socket = undefined;
      for (const old of retiring) old.close(1000, "stopping");
      retiring.clear();
      setState("stopped");
    },
    state: () => state,
  };
}
