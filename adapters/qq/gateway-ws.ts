import WebSocket from "ws";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createConnectionLifecycle, type ConnectionLifecycle, type ConnectionSession } from "../kit/connection-lifecycle.ts";
import type { QqClient } from "./client.ts";
import { payloadSchema, type QqPayload } from "./inbound.ts";

/** GROUP_AND_C2C_EVENT (1<<25), DIRECT_MESSAGE (1<<12), PUBLIC_GUILD_MESSAGES (1<<30): event-emit.md "事件订阅Intents". */
export const intents = (1 << 25) | (1 << 12) | (1 << 30);

/** INTERACTION (1<<26): button presses (msg-btn.md), asked for only when the bot sends keyboards. */
export const interactionIntent = 1 << 26;

export interface GatewayDeps {
  client: QqClient;
  /** Stores a dispatch; resolves once it is in the inbox (the sequence is remembered only then). */
  onDispatch(payload: QqPayload): Promise<unknown>;
  onReady(selfId: string | undefined): void;
  onHealth?(health: ChannelHealth): void;
  logger: Logger;
  minReconnectMs?: number;
  /** The intents to identify with; `intents` unless given. */
  intents?: number;
}

/** What a resume needs: the session id from READY and the last sequence the inbox took. */
type ResumeState = { id: string; seq: number | undefined };

/**
 * The WebSocket gateway (event-emit.md "WebSocket方式") under the kit's connection lifecycle, which reconnects
 * (with backoff) and replaces a silent connection. Each session: GET /gateway for the URL; Hello (op 10) gives
 * the heartbeat interval (three of them without a sign of life is silence); Identify (op 2) with `QQBot <token>`,
 * the intents and shard [0, 1], or Resume (op 6) with the session id and the last sequence after a drop, so QQ
 * sends what was missed; Heartbeat (op 1, the last sequence); Dispatch (op 0: READY, RESUMED, events); Reconnect
 * (op 7) ends the session, and the next resumes; Invalid Session (op 9) ends it, and the next identifies afresh.
 */
export function createQqGateway(deps: GatewayDeps): ConnectionLifecycle {
  const resume: { state: ResumeState | undefined } = { state: undefined };
  return createConnectionLifecycle({
    what: "QQ gateway",
    logger: deps.logger,
    backoff: { minMs: deps.minReconnectMs ?? 1000, maxMs: 60_000 },
    silenceMs: 3 * 45_000,
    describeFailure: (error, hasBeenUp) => ({ state: hasBeenUp ? "degraded" : "error", detail: `the QQ gateway connection failed: ${error instanceof Error ? error.message : String(error)}` }),
    ...(deps.onHealth ? { onHealth: deps.onHealth } : {}),
    connect: (session) => runSession(deps, session, resume),
  });
}

async function runSession(deps: GatewayDeps, session: ConnectionSession, resume: { state: ResumeState | undefined }): Promise<void> {
  const { client, logger } = deps;
  const { url } = await client.gateway();
  const token = await client.accessToken();
  if (session.signal.aborted) return;
  const socket = new WebSocket(url);
  let heartbeat: NodeJS.Timeout | undefined;
  let lastSeq = resume.state?.seq;
  // Events are handled one at a time, in order: the sequence moves on only after the inbox took the event.
  let chain: Promise<unknown> = Promise.resolve();
  const send = (frame: unknown) => {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  };
  const onAbort = () => socket.close(1000);
  session.signal.addEventListener("abort", onAbort, { once: true });
  // A silent connection is cut, not closed politely: the next session resumes it.
  session.onReplace(() => socket.terminate());
  const onFrame = (frame: QqPayload) => {
    switch (frame.op) {
      case 10: {
        const intervalMs = Number((frame.d as { heartbeat_interval?: number } | undefined)?.heartbeat_interval) || 45_000;
        heartbeat = setInterval(() => send({ op: 1, d: lastSeq ?? null }), intervalMs);
        session.watchSilence(3 * intervalMs);
        const known = resume.state;
        if (known) send({ op: 6, d: { token: `QQBot ${token}`, session_id: known.id, seq: known.seq ?? 0 } });
        else send({ op: 2, d: { token: `QQBot ${token}`, intents: deps.intents ?? intents, shard: [0, 1], properties: { $os: process.platform, $browser: "pincer", $device: "pincer" } } });
        return;
      }
      case 0: {
        const seq = frame.s;
        chain = chain
          .then(async () => {
            if (frame.t === "READY") {
              const ready = frame.d as { session_id?: string; user?: { id?: string } } | undefined;
              if (ready?.session_id) resume.state = { id: ready.session_id, seq };
              deps.onReady(ready?.user?.id);
              session.up();
            } else if (frame.t === "RESUMED") {
              deps.onReady(undefined);
              session.up();
            } else {
              await deps.onDispatch(frame);
            }
            if (seq !== undefined) {
              lastSeq = seq;
              if (resume.state) resume.state.seq = seq;
            }
          })
          .catch((error: unknown) => logger.warn({ err: error, event: frame.t }, "a QQ gateway event was not stored; it comes again after a resume"));
        return;
      }
      case 7:
        socket.close(4000);
        return;
      case 9:
        resume.state = undefined;
        socket.close(4000);
        return;
      default:
        return;
    }
  };
  try {
    await new Promise<void>((resolve, reject) => {
      socket.on("error", (error) => reject(error));
      socket.on("close", () => resolve());
      socket.on("message", (data) => {
        session.alive();
        let frame: QqPayload;
        try {
          const parsed = payloadSchema.safeParse(JSON.parse(String(data)));
          if (!parsed.success) return;
          frame = parsed.data;
        } catch {
          return;
        }
        onFrame(frame);
      });
    });
    await chain;
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    session.signal.removeEventListener("abort", onAbort);
    socket.removeAllListeners();
    socket.on("error", () => undefined);
    if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING) socket.terminate();
  }
}
