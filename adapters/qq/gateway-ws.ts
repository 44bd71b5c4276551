import WebSocket from "ws";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createBackoff } from "../kit/backoff.ts";
import { createSilenceWatchdog } from "../kit/silence-watchdog.ts";
import type { QqClient } from "./client.ts";
import { payloadSchema, type QqPayload } from "./inbound.ts";

/** GROUP_AND_C2C_EVENT (1<<25), DIRECT_MESSAGE (1<<12), PUBLIC_GUILD_MESSAGES (1<<30): event-emit.md "事件订阅Intents". */
export const intents = (1 << 25) | (1 << 12) | (1 << 30);

export interface GatewayDeps {
  client: QqClient;
  /** Stores a dispatch; resolves once it is in the inbox (the sequence is remembered only then). */
  onDispatch(payload: QqPayload): Promise<unknown>;
  onReady(selfId: string | undefined): void;
  setHealth(health: ChannelHealth): void;
  logger: Logger;
  minReconnectMs?: number;
}

/**
 * The WebSocket gateway (event-emit.md "WebSocket方式"): GET /gateway for the URL; Hello (op 10) gives
 * the heartbeat interval; Identify (op 2) with `QQBot <token>`, the intents and shard [0, 1], or Resume
 * (op 6) with the session id and the last sequence after a drop, so QQ sends what was missed; Heartbeat
 * (op 1, the last sequence); Dispatch (op 0: READY, RESUMED, events); Reconnect (op 7) resumes;
 * Invalid Session (op 9) identifies afresh. A connection silent for three heartbeat intervals (no ack, no
 * event) is replaced and resumed. Runs until `signal` aborts.
 */
export async function runQqGateway(deps: GatewayDeps, signal: AbortSignal): Promise<void> {
  const { client, logger } = deps;
  const backoff = createBackoff({ minMs: deps.minReconnectMs ?? 1000, maxMs: 60_000 });
  let session: { id: string; seq: number | undefined } | undefined;

  const connectOnce = async (): Promise<void> => {
    const { url } = await client.gateway();
    const token = await client.accessToken();
    const socket = new WebSocket(url);
    let heartbeat: NodeJS.Timeout | undefined;
    let lastSeq = session?.seq;
    // Events are handled one at a time, in order: the sequence moves on only after the inbox took the event.
    let chain: Promise<unknown> = Promise.resolve();
    const send = (frame: unknown) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
    };
    let watchdog = createSilenceWatchdog({ silenceMs: 3 * 45_000, onSilent: () => undefined });
    const onAbort = () => socket.close(1000);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.on("error", (error) => reject(error));
        socket.on("close", () => resolve());
        socket.on("message", (data) => {
          watchdog.touch();
          let frame: QqPayload;
          try {
            const parsed = payloadSchema.safeParse(JSON.parse(String(data)));
            if (!parsed.success) return;
            frame = parsed.data;
          } catch {
            return;
          }
          switch (frame.op) {
            case 10: {
              const intervalMs = Number((frame.d as { heartbeat_interval?: number } | undefined)?.heartbeat_interval) || 45_000;
              heartbeat = setInterval(() => send({ op: 1, d: lastSeq ?? null }), intervalMs);
              watchdog = createSilenceWatchdog({
                silenceMs: 3 * intervalMs,
                onSilent: (silentForMs) => {
                  logger.warn({ silentForMs }, "the QQ gateway went quiet; reconnecting");
                  deps.setHealth({ state: "degraded", detail: "the QQ gateway went quiet; reconnecting" });
                  socket.terminate();
                },
              });
              watchdog.arm();
              if (session) send({ op: 6, d: { token: `QQBot ${token}`, session_id: session.id, seq: session.seq ?? 0 } });
              else send({ op: 2, d: { token: `QQBot ${token}`, intents, shard: [0, 1], properties: { $os: process.platform, $browser: "pincer", $device: "pincer" } } });
              return;
            }
            case 0: {
              const seq = frame.s;
              chain = chain.then(async () => {
                if (frame.t === "READY") {
                  const ready = frame.d as { session_id?: string; user?: { id?: string } } | undefined;
                  if (ready?.session_id) session = { id: ready.session_id, seq };
                  deps.onReady(ready?.user?.id);
                  backoff.reset();
                } else if (frame.t === "RESUMED") {
                  deps.onReady(undefined);
                  backoff.reset();
                } else {
                  await deps.onDispatch(frame);
                }
                if (seq !== undefined) {
                  lastSeq = seq;
                  if (session) session.seq = seq;
                }
              }).catch((error: unknown) => logger.warn({ err: error, event: frame.t }, "a QQ gateway event was not stored; it comes again after a resume"));
              return;
            }
            case 7:
              socket.close(4000);
              return;
            case 9:
              session = undefined;
              socket.close(4000);
              return;
            default:
              return;
          }
        });
      });
      await chain;
    } finally {
      if (heartbeat) clearInterval(heartbeat);
      watchdog.disarm();
      signal.removeEventListener("abort", onAbort);
      socket.removeAllListeners();
      socket.on("error", () => undefined);
      if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
    }
  };

  while (!signal.aborted) {
    try {
      await connectOnce();
    } catch (error) {
      if (signal.aborted) break;
      logger.warn({ err: error }, "the QQ gateway connection failed");
    }
    if (signal.aborted) break;
    deps.setHealth({ state: "degraded", detail: "reconnecting to the QQ gateway" });
    const delayMs = backoff.nextDelayMs();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delayMs);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      }, { once: true });
    });
  }
}
