import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import protobuf from "protobufjs";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * The long-connection side of the fake Open Platform: a ws server speaking `pbbp2.Frame` protobuf
 * frames, as the SDK's WSClient expects (control frames: ping/pong; data frames: events and the
 * client's acknowledgements).
 */

// SeqID and LogID are uint64 on the wire; read here as uint32 (the same varint for the small values used),
// because protobufjs needs the "long" package for 64-bit fields and only finds it through a CJS require.
const proto = `
syntax = "proto2";
package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame {
  required uint32 SeqID = 1; required uint32 LogID = 2; required int32 service = 3; required int32 method = 4;
  repeated Header headers = 5; optional string payload_encoding = 6; optional string payload_type = 7;
  optional bytes payload = 8; optional string LogIDNew = 9;
}`;
const Frame = protobuf.parse(proto).root.lookupType("pbbp2.Frame");

interface FrameData {
  SeqID: number;
  LogID: number;
  service: number;
  method: number;
  headers: { key: string; value: string }[];
  payload?: Uint8Array;
}

const controlMethod = 0;
const dataMethod = 1;
export const serviceId = 77;

export interface WsAck {
  messageId: string;
  code: number;
  /** What the handler returned (card actions: the toast), decoded. */
  data: unknown;
}

export interface ClientConfig {
  PingInterval: number;
  ReconnectCount: number;
  ReconnectInterval: number;
  ReconnectNonce: number;
}

export async function startFeishuWs() {
  let isRefusing = false;
  const server = new WebSocketServer({ host: "127.0.0.1", port: 0, verifyClient: () => !isRefusing });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const { port } = server.address() as AddressInfo;
  const sockets = new Set<WebSocket>();
  /** Sockets whose client has pinged: the SDK listens for frames by then (it pings as soon as it is open). */
  const readySockets = new Set<WebSocket>();
  /** Sockets that went quiet: what the client sends is ignored, nothing more is sent (no pongs). */
  const silentSockets = new Set<WebSocket>();
  let isSilent = false;
  const acks: WsAck[] = [];
  const waiters = new Set<() => void>();
  let connectionCount = 0;
  let pingCount = 0;
  // Small values: the SDK reconnects after ReconnectNonce*random + ReconnectInterval (seconds).
  const clientConfig: ClientConfig = { PingInterval: 120, ReconnectCount: -1, ReconnectInterval: 0.1, ReconnectNonce: 0.05 };
  const notify = () => {
    for (const waiter of [...waiters]) waiter();
  };

  const encode = (frame: FrameData) => Frame.encode(Frame.fromObject(frame)).finish();
  const headerOf = (frame: FrameData, key: string) => frame.headers.find((header) => header.key === key)?.value;

  server.on("connection", (socket) => {
    connectionCount += 1;
    sockets.add(socket);
    if (isSilent) silentSockets.add(socket);
    socket.on("close", () => {
      sockets.delete(socket);
      readySockets.delete(socket);
      silentSockets.delete(socket);
      notify();
    });
    socket.on("message", (raw: Buffer) => {
      if (silentSockets.has(socket)) return;
      const frame = Frame.toObject(Frame.decode(raw), { bytes: Buffer, defaults: true }) as FrameData;
      if (frame.method === controlMethod && headerOf(frame, "type") === "ping") {
        pingCount += 1;
        readySockets.add(socket);
        socket.send(
          encode({ ...frame, headers: [{ key: "type", value: "pong" }], payload: Buffer.from(JSON.stringify(clientConfig)) }),
        );
      } else if (frame.method === dataMethod) {
        const response = JSON.parse(Buffer.from(frame.payload ?? []).toString("utf8")) as { code: number; data?: string };
        acks.push({
          messageId: headerOf(frame, "message_id") ?? "",
          code: response.code,
          data: response.data ? JSON.parse(Buffer.from(response.data, "base64").toString("utf8")) : undefined,
        });
      }
      notify();
    });
    notify();
  });

  const waitFor = async (predicate: () => boolean, timeoutMs = 5000) => {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`feishu ws fake: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = () => {
        if (!predicate()) return;
        clearTimeout(timer);
        waiters.delete(check);
        resolve();
      };
      waiters.add(check);
    });
  };

  return {
    /** The URL that `/callback/ws/endpoint` hands out. */
    url: `ws://127.0.0.1:${port}/ws?device_id=fake-device&service_id=${serviceId}`,
    clientConfig,
    acks,
    connectionCount: () => connectionCount,
    pingCount: () => pingCount,
    isConnected: () => readySockets.size > 0,
    waitFor,
    /** Sends an event (a schema 2.0 body) as a data frame and waits for the client's acknowledgement. */
    async push(event: unknown): Promise<WsAck> {
      await waitFor(() => readySockets.size > 0);
      const messageId = randomUUID();
      const frame: FrameData = {
        SeqID: 0,
        LogID: 0,
        service: serviceId,
        method: dataMethod,
        headers: [
          { key: "type", value: "event" },
          { key: "message_id", value: messageId },
          { key: "sum", value: "1" },
          { key: "seq", value: "0" },
          { key: "trace_id", value: randomUUID() },
        ],
        payload: Buffer.from(JSON.stringify(event)),
      };
      for (const socket of readySockets) socket.send(encode(frame));
      await waitFor(() => acks.some((ack) => ack.messageId === messageId));
      return acks.find((ack) => ack.messageId === messageId)!;
    },
    /** While true, new connections are refused (HTTP 401 on the upgrade), as during an outage. */
    refuseConnections(value: boolean) {
      isRefusing = value;
    },
    /** The open connections go quiet without closing: no pongs, no events (as behind a dead NAT entry). */
    silenceOpen() {
      for (const socket of sockets) silentSockets.add(socket);
      readySockets.clear();
    },
    /** While true, new connections are accepted and then never answered. */
    setSilent(value: boolean) {
      isSilent = value;
    },
    /** Connections that went quiet and are still open. */
    silentOpen: () => silentSockets.size,
    /** Cuts every connection, as a server restart or a network drop would. */
    drop() {
      for (const socket of sockets) socket.terminate();
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FeishuWs = Awaited<ReturnType<typeof startFeishuWs>>;
