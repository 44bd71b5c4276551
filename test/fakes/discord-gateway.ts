import type { Server } from "node:http";
import { WebSocketServer, type WebSocket } from "ws";
import { eventually } from "../support/eventually.ts";
import { applicationId, bot, guildId } from "./discord-ids.ts";

/**
 * The fake Discord's gateway WebSocket (`/gateway`, on the REST server's port): hello (op 10), identify (op 2) →
 * READY, heartbeat (op 1) → ack (op 11), dispatches (op 0, numbered per session), resume (op 6) → replay of what the
 * session missed → RESUMED, and invalid session (op 9). Wire format: https://discord.com/developers/docs/events/gateway.
 */

interface Session {
  id: string;
  /** Every dispatch of the session, with its sequence number. */
  events: { s: number; t: string; d: unknown }[];
  seq: number;
  socket: WebSocket | undefined;
}

export interface FakeDiscordGatewayOptions {
  /** The bot token an identify or a resume must carry. */
  token: string;
  /** This gateway's URL, named in READY as `resume_gateway_url`. */
  gatewayUrl: string;
  heartbeatIntervalMs?: number;
  /** Close every identify with this code (4014: Message Content not allowed). */
  refuseIdentifyWith?: number;
}

/** The gateway on `server` (already listening), at `/gateway`. */
export function attachFakeDiscordGateway(server: Server, options: FakeDiscordGatewayOptions) {
  const { token, gatewayUrl } = options;
  const gateway = new WebSocketServer({ server, path: "/gateway" });
  const sessions = new Map<string, Session>();
  const identifies: unknown[] = [];
  const resumes: unknown[] = [];
  let heartbeats = 0;
  /** Events sent again on a resume, by type. */
  const replayed: string[] = [];
  let current: Session | undefined;
  /** On the next resume, also replay this many events the client had already seen (Discord may redeliver). */
  let replayExtra = 0;

  const send = (socket: WebSocket | undefined, payload: unknown) => {
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify(payload));
  };

  /** Numbers the event in the current session and sends it; a session without a socket keeps it for its resume. */
  function dispatch(t: string, d: unknown) {
    const session = current;
    if (!session) throw new Error("fake Discord: no session yet (nobody identified)");
    session.seq += 1;
    session.events.push({ s: session.seq, t, d });
    send(session.socket, { op: 0, s: session.seq, t, d });
  }

  const identify = (socket: WebSocket, d: Record<string, unknown> | null) => {
    identifies.push(d);
    if (d?.token !== token) return socket.close(4004, "Authentication failed.");
    if (options.refuseIdentifyWith) return socket.close(options.refuseIdentifyWith, "Disallowed intent(s).");
    const session: Session = { id: `session-${sessions.size + 1}`, events: [], seq: 0, socket };
    sessions.set(session.id, session);
    current = session;
    dispatch("READY", {
      v: 10,
      user: bot,
      guilds: [{ id: guildId, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: gatewayUrl,
      application: { id: applicationId, flags: 1 << 19 },
    });
  };

  const resume = (socket: WebSocket, d: Record<string, unknown> | null) => {
    resumes.push(d);
    const session = sessions.get(String(d?.session_id));
    if (!session || d?.token !== token) return send(socket, { op: 9, d: false });
    session.socket = socket;
    current = session;
    const from = Number(d?.seq ?? 0) - replayExtra;
    replayExtra = 0;
    for (const event of session.events.filter((candidate) => candidate.s > from)) {
      replayed.push(event.t);
      send(socket, { op: 0, ...event });
    }
    session.seq += 1;
    send(socket, { op: 0, s: session.seq, t: "RESUMED", d: {} });
  };

  gateway.on("connection", (socket) => {
    send(socket, { op: 10, d: { heartbeat_interval: options.heartbeatIntervalMs ?? 5000 } });
    socket.on("message", (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: Record<string, unknown> | null };
      switch (payload.op) {
        case 1:
          heartbeats += 1;
          return send(socket, { op: 11 });
        case 2:
          return identify(socket, payload.d);
        case 6:
          return resume(socket, payload.d);
        default:
          return;
      }
    });
    socket.on("close", () => {
      if (current?.socket === socket) current.socket = undefined;
    });
  });

  return {
    dispatch,
    identifies,
    resumes,
    heartbeats: () => heartbeats,
    replayed,
    isConnected: () => current?.socket !== undefined,
    /** The connection drops (close 4000: the client resumes); with `redeliver`, the resume also replays that many events it had seen. */
    drop(redeliver = 0) {
      replayExtra = redeliver;
      current?.socket?.close(4000, "Unknown error");
    },
    /** Sends op 9 (invalid session, not resumable): the client must identify again. */
    invalidateSession() {
      send(current?.socket, { op: 9, d: false });
    },
    async waitForSession(count = 1) {
      await eventually(() => sessions.size >= count && current?.socket !== undefined, 8000);
    },
    /** Cuts every client and stops taking new ones (the HTTP server is closed by its owner). */
    close() {
      for (const client of gateway.clients) client.terminate();
      gateway.close();
    },
  };
}

export type FakeDiscordGateway = ReturnType<typeof attachFakeDiscordGateway>;
