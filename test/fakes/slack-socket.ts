import { randomUUID } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface SocketEnvelope {
  envelopeId: string;
  type: "events_api" | "interactive";
  payload: unknown;
  ackedAt?: number;
}

/**
 * Slack's Socket Mode server side: `apps.connections.open` hands out `ws://…/link/?ticket=…`; a
 * connection with a known ticket gets `hello`; envelopes go out and acks (`{envelope_id, payload}`) are recorded.
 */
export async function startFakeSlackSocket(options: { onSend?: (payload: unknown) => void } = {}) {
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const tickets = new Set<string>();
  const sockets = new Set<WebSocket>();
  const envelopes: SocketEnvelope[] = [];
  /** Acks whose envelope id was never sent: a client bug. */
  const strayAcks: string[] = [];
  let connectionCount = 0;
  /**
   * `silent`: new connections are accepted and then never hear anything (no hello, no pong, no close reply).
   * `no-hello`: the websocket layer still answers pings and closes, but Slack never says hello.
   */
  let silence: false | "silent" | "no-hello" = false;
  const silenced = new Set<WebSocket>();
  const rawSockets = new Map<WebSocket, Socket>();

  server.on("connection", (socket, request) => {
    const ticket = new URL(request.url ?? "/", "http://localhost").searchParams.get("ticket") ?? "";
    if (!tickets.delete(ticket)) {
      socket.close(4001, "invalid ticket");
      return;
    }
    connectionCount += 1;
    if (silence) {
      // The upgrade was answered; from here on the peer says nothing (and, when silent, reads nothing).
      if (silence === "silent") request.socket.pause();
      silenced.add(socket);
      return;
    }
    sockets.add(socket);
    rawSockets.set(socket, request.socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("message", (data) => {
      let ack: { envelope_id?: unknown };
      try {
        ack = JSON.parse(String(data)) as { envelope_id?: unknown };
      } catch {
        return;
      }
      const envelope = envelopes.find((each) => each.envelopeId === ack.envelope_id);
      if (!envelope) strayAcks.push(String(ack.envelope_id));
      else envelope.ackedAt ??= Date.now();
    });
    socket.send(JSON.stringify({ type: "hello", num_connections: sockets.size, debug_info: { host: "fake-slack" }, connection_info: { app_id: "A00FAKEAPP01" } }));
  });

  return {
    /** What `apps.connections.open` answers: a fresh one-time URL. */
    issueUrl(): string {
      const ticket = randomUUID();
      tickets.add(ticket);
      return `ws://127.0.0.1:${port}/link/?ticket=${ticket}`;
    },
    envelopes,
    strayAcks,
    connections: () => connectionCount,
    openSockets: () => sockets.size,
    /** Sends a payload in an envelope on the open socket(s); returns the envelope id. */
    send(payload: unknown, type: SocketEnvelope["type"] = "events_api", retryAttempt = 0): string {
      const envelopeId = randomUUID();
      envelopes.push({ envelopeId, type, payload });
      options.onSend?.(payload);
      const frame = JSON.stringify({ envelope_id: envelopeId, payload, type, accepts_response_payload: false, retry_attempt: retryAttempt, retry_reason: retryAttempt ? "timeout" : "" });
      for (const socket of sockets) socket.send(frame);
      return envelopeId;
    },
    /** New connections (from now, until `setSilent(false)`) are accepted and then never answered, or never greeted. */
    setSilent(mode: false | "silent" | "no-hello") {
      silence = mode;
    },
    /**
     * The open connections go quiet without closing, as behind a dead NAT entry: nothing more is read or
     * sent on them (no pongs, no events, no close reply).
     */
    silenceOpen() {
      for (const socket of sockets) {
        rawSockets.get(socket)?.pause();
        silenced.add(socket);
      }
      sockets.clear();
    },
    /** Cuts every connection without a close handshake, as a network failure would. */
    drop() {
      for (const socket of sockets) socket.terminate();
    },
    async close() {
      for (const socket of [...sockets, ...silenced]) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeSlackSocket = Awaited<ReturnType<typeof startFakeSlackSocket>>;
