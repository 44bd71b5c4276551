import { createCipheriv, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** One frame the bot sent, as parsed JSON, with the time it arrived. */
export interface ReceivedFrame {
  cmd: string;
  headers: { req_id: string };
  body?: Record<string, unknown>;
  receivedAt: number;
}

export interface StreamFrame {
  reqId: string;
  id: string;
  content: string;
  finish: boolean;
}

export interface WecomAibotFake {
  /** `ws://127.0.0.1:<port>`: pass as `wsUrl` / `WECOM_WS_URL`. */
  wsUrl: string;
  /** Every frame received, including logins and heartbeats, in order. */
  frames: ReceivedFrame[];
  /** Logins tried, and how many the fake accepted. */
  logins: { botId: string; isAccepted: boolean }[];
  /** Connections currently logged in. */
  readonly authenticatedCount: number;
  /** Pushes an `aibot_msg_callback` to every logged-in connection; returns the req_id it carried. */
  pushMessage(body: Record<string, unknown>): string;
  /** Pushes an `aibot_event_callback`; returns its req_id. */
  pushEvent(body: Record<string, unknown>): string;
  /** The `stream` replies bound to `reqId`, in order. */
  streams(reqId: string): StreamFrame[];
  /** `aibot_send_msg` bodies (pushes to a chat). */
  pushes(): Record<string, unknown>[];
  /** Serves `bytes` encrypted with a fresh AES key, as WeCom's storage does; returns the URL and key for a callback. */
  hostMedia(bytes: Uint8Array): { url: string; aeskey: string };
  /** Cuts every connection at the TCP level, as a network failure would. */
  dropConnections(): void;
  /** The open connections go quiet without closing: frames are still recorded, none is answered (no heartbeat acks). */
  silenceOpen(): void;
  /** While true, new connections are accepted and never answered (not even the login). */
  setSilent(value: boolean): void;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface WecomAibotFakeOptions {
  botId: string;
  secret: string;
}

/** AES-256-CBC with the key's first 16 bytes as IV and PKCS#7 padding to 32 bytes: WeCom's media encryption. */
export function encryptMedia(plain: Uint8Array, aeskey: string): Buffer {
  const key = Buffer.from(aeskey, "base64");
  const padLength = 32 - (plain.length % 32);
  const padded = Buffer.concat([Buffer.from(plain), Buffer.alloc(padLength, padLength)]);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]);
}

const maxStreamBytes = 20_480;

/**
 * The WeCom AI bot long connection (`wss://openws.work.weixin.qq.com`) on 127.0.0.1: it checks the
 * `aibot_subscribe` login (bot id and secret), answers `ping` heartbeats, pushes message and event
 * callbacks, and acknowledges replies by their req_id the way the real server does (`errcode` 0, or
 * an error code for a stream reply to an unknown req_id, to a stream already finished, or over 20,480
 * bytes). Media uploads (`aibot_upload_media_*`) are accepted; hosted media is served over plain HTTP.
 */
export async function startWecomAibotFake(options: WecomAibotFakeOptions): Promise<WecomAibotFake> {
  const frames: ReceivedFrame[] = [];
  const logins: { botId: string; isAccepted: boolean }[] = [];
  const authenticated = new Set<WebSocket>();
  const silentSockets = new Set<WebSocket>();
  let isSilent = false;
  const callbackReqIds = new Set<string>();
  const finishedStreams = new Set<string>();
  const media = new Map<string, Buffer>();
  const uploads = new Map<string, { type: string; chunks: number }>();
  let counter = 0;

  const http: Server = createServer((request, response) => {
    const bytes = media.get(request.url ?? "");
    if (!bytes) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "application/octet-stream", "content-length": bytes.length });
    response.end(bytes);
  });
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;

  const ack = (socket: WebSocket, reqId: string, errcode = 0, errmsg = "ok", body?: Record<string, unknown>) =>
    socket.send(JSON.stringify({ headers: { req_id: reqId }, errcode, errmsg, ...(body ? { body } : {}) }));

  const onFrame = (socket: WebSocket, frame: ReceivedFrame) => {
    const reqId = frame.headers.req_id;
    const body = frame.body ?? {};
    if (frame.cmd === "aibot_subscribe") {
      const isAccepted = body.bot_id === options.botId && body.secret === options.secret;
      logins.push({ botId: String(body.bot_id), isAccepted });
      if (isAccepted) authenticated.add(socket);
      return isAccepted ? ack(socket, reqId) : ack(socket, reqId, 40_058, "invalid bot_id or secret");
    }
    if (!authenticated.has(socket)) return ack(socket, reqId, 40_001, "not subscribed");
    switch (frame.cmd) {
      case "ping":
        return ack(socket, reqId);
      case "aibot_respond_msg": {
        if (!callbackReqIds.has(reqId)) return ack(socket, reqId, 40_008, "invalid req_id");
        if (body.msgtype === "stream") {
          const stream = body.stream as { id: string; content: string; finish: boolean };
          if (finishedStreams.has(stream.id)) return ack(socket, reqId, 40_009, "stream already finished");
          if (Buffer.byteLength(stream.content, "utf8") > maxStreamBytes) return ack(socket, reqId, 40_058, "content exceed max length");
          if (stream.finish) finishedStreams.add(stream.id);
        }
        return ack(socket, reqId);
      }
      case "aibot_send_msg":
      case "aibot_respond_welcome_msg":
      case "aibot_respond_update_msg":
        return ack(socket, reqId);
      case "aibot_upload_media_init": {
        const uploadId = `upload_${(counter += 1)}`;
        uploads.set(uploadId, { type: String(body.type), chunks: 0 });
        return ack(socket, reqId, 0, "ok", { upload_id: uploadId });
      }
      case "aibot_upload_media_chunk": {
        const upload = uploads.get(String(body.upload_id));
        if (upload) upload.chunks += 1;
        return upload ? ack(socket, reqId) : ack(socket, reqId, 40_004, "invalid upload_id");
      }
      case "aibot_upload_media_finish": {
        const upload = uploads.get(String(body.upload_id));
        if (!upload) return ack(socket, reqId, 40_004, "invalid upload_id");
        return ack(socket, reqId, 0, "ok", { type: upload.type, media_id: `media_${body.upload_id}`, created_at: "1700000000" });
      }
      default:
        return ack(socket, reqId, 40_000, `unknown cmd ${frame.cmd}`);
    }
  };

  wss.on("connection", (socket) => {
    if (isSilent) silentSockets.add(socket);
    socket.on("message", (data) => {
      const frame = { ...(JSON.parse(String(data)) as Omit<ReceivedFrame, "receivedAt">), receivedAt: Date.now() };
      frames.push(frame);
      if (!silentSockets.has(socket)) onFrame(socket, frame);
    });
    socket.on("close", () => {
      authenticated.delete(socket);
      silentSockets.delete(socket);
    });
  });

  const push = (cmd: string, body: Record<string, unknown>) => {
    const reqId = `${cmd}_${(counter += 1)}_${randomBytes(4).toString("hex")}`;
    callbackReqIds.add(reqId);
    for (const socket of authenticated) socket.send(JSON.stringify({ cmd, headers: { req_id: reqId }, body }));
    return reqId;
  };

  const replies = () => frames.filter((frame) => frame.cmd === "aibot_respond_msg" && frame.body?.msgtype === "stream");

  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    frames,
    logins,
    get authenticatedCount() {
      return authenticated.size;
    },
    pushMessage: (body) => push("aibot_msg_callback", body),
    pushEvent: (body) => push("aibot_event_callback", body),
    streams: (reqId) =>
      replies()
        .filter((frame) => frame.headers.req_id === reqId)
        .map((frame) => {
          const stream = frame.body!.stream as { id: string; content: string; finish: boolean };
          return { reqId, id: stream.id, content: stream.content, finish: stream.finish };
        }),
    pushes: () => frames.filter((frame) => frame.cmd === "aibot_send_msg").map((frame) => frame.body ?? {}),
    hostMedia(bytes) {
      const aeskey = randomBytes(32).toString("base64");
      const path = `/media/${(counter += 1)}`;
      media.set(path, encryptMedia(bytes, aeskey));
      return { url: `http://127.0.0.1:${port}${path}`, aeskey };
    },
    dropConnections() {
      for (const socket of wss.clients) socket.terminate();
    },
    silenceOpen() {
      for (const socket of wss.clients) silentSockets.add(socket);
      authenticated.clear();
    },
    setSilent(value) {
      isSilent = value;
    },
    async waitFor(predicate, timeoutMs = 4000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`fake WeCom: condition not met within ${timeoutMs} ms: ${predicate.toString()}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
