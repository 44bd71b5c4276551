import { createPrivateKey, sign } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";
import { keyboardProblem } from "./qq-keyboard.ts";

/**
 * A fake QQ open platform on 127.0.0.1, from tencent-connect/bot-docs (api-v2): the app access token
 * (getAppAccessToken, expiring), the OpenAPI with `Authorization: QQBot <token>` checked on every call,
 * the passive-reply rules enforced (msg_id of a delivered message, msg_seq never repeated, 5 replies per
 * message, a window per scene; 304027 past it, 22009 past the count; no active messages), rich-media
 * uploads, a webhook sender with real Ed25519 signatures (seed = the secret repeated to 32 bytes), and a
 * WebSocket gateway with hello / identify / heartbeat / dispatch / resume.
 */

export interface FakeQqOptions {
  appId?: string;
  appSecret?: string;
  botId?: string;
  /** Lifetime of an access token, in seconds (QQ: 7200). */
  tokenTtlSec?: number;
  /** The passive-reply windows (QQ: 60 minutes for C2C, 5 minutes for groups and channels). */
  userWindowMs?: number;
  groupWindowMs?: number;
  repliesPerMessage?: number;
  heartbeatIntervalMs?: number;
}

export interface SentMessage {
  path: string;
  chat: string;
  body: Record<string, any>;
  at: number;
}

type Delivered = { chat: string; at: number; replies: number; seqs: Set<number> };

const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

/** The webhook signing key as QQ derives it from the bot secret. */
export function qqPrivateKey(secret: string) {
  let seed = Buffer.from(secret, "utf8");
  while (seed.length < 32) seed = Buffer.concat([seed, seed]);
  return createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seed.subarray(0, 32)]), format: "der", type: "pkcs8" });
}

export function qqSign(secret: string, timestamp: string, body: string): string {
  return sign(null, Buffer.from(timestamp + body, "utf8"), qqPrivateKey(secret)).toString("hex");
}

const readJson = async (request: IncomingMessage): Promise<any> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
};

const json = (response: ServerResponse, status: number, body: unknown) => {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
};

export async function startFakeQq(options: FakeQqOptions = {}) {
  const appId = options.appId ?? "1020000001";
  const appSecret = options.appSecret ?? "fakeQQsecretForTestsOnly0";
  const botId = options.botId ?? "11223344556677";
  const settings = {
    tokenTtlSec: options.tokenTtlSec ?? 7200,
    userWindowMs: options.userWindowMs ?? 60 * 60_000,
    groupWindowMs: options.groupWindowMs ?? 5 * 60_000,
    repliesPerMessage: options.repliesPerMessage ?? 5,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 30_000,
  };
  let counter = 0;
  const tokens = new Map<string, number>();
  const tokenRequests: { appId: string; clientSecret: string }[] = [];
  const sent: SentMessage[] = [];
  const refused: (SentMessage & { code: number })[] = [];
  const uploads: { path: string; body: Record<string, any> }[] = [];
  const unauthorized: string[] = [];
  /** `PUT /interactions/{id}` calls: button presses acknowledged. */
  const interactionAcks: { id: string; code: unknown }[] = [];
  const delivered = new Map<string, Delivered>();
  const media = new Map<string, { bytes: Buffer; type: string }>();
  const gatewayFrames: { op: number; d: any }[] = [];
  let lostResponses = 0;
  let isTokenDown = false;
  const mediaHits: string[] = [];

  const isAuthed = (request: IncomingMessage) => {
    const match = /^QQBot (\S+)$/.exec(request.headers.authorization ?? "");
    const expiresAt = match ? tokens.get(match[1]!) : undefined;
    return expiresAt !== undefined && Date.now() < expiresAt;
  };

  const handleMessage = async (request: IncomingMessage, response: ServerResponse, path: string, chat: string, scene: "user" | "group" | "guild") => {
    const body = (await readJson(request)) ?? {};
    const record: SentMessage = { path, chat, body, at: Date.now() };
    const refuse = (code: number, message: string) => {
      refused.push({ ...record, code });
      json(response, 400, { code, message, err_code: code, trace_id: "fake" });
    };
    // A passive reply answers a message (msg_id) or, for C2C and groups, a button press (event_id, send.md).
    const answers = typeof body.msg_id === "string" ? body.msg_id : typeof body.event_id === "string" && scene !== "guild" ? `event:${body.event_id}` : undefined;
    if (!answers) return refuse(22009, "active messages are not offered");
    const keyboardRefusal = keyboardProblem(body);
    if (keyboardRefusal) return refuse(50035, keyboardRefusal);
    const origin = delivered.get(answers);
    if (!origin || origin.chat !== chat) return refuse(304026, "msg_id does not belong to this chat");
    const windowMs = scene === "user" ? settings.userWindowMs : settings.groupWindowMs;
    if (Date.now() - origin.at > windowMs) return refuse(304027, "the message is too old to reply to");
    if (scene !== "guild") {
      const seq = body.msg_seq ?? 1;
      // send.md types msg_seq as an int (the fake holds it to a positive 32-bit one); any is taken, once per message.
      if (!Number.isInteger(seq) || seq < 1 || seq > 2 ** 31 - 1) return refuse(50035, "msg_seq is not an int");
      if (origin.seqs.has(seq)) return refuse(40054005, "duplicate msg_id + msg_seq");
      if (origin.replies >= settings.repliesPerMessage) return refuse(22009, "msg limit exceed");
      if (body.msg_type === undefined) return refuse(50006, "msg_type missing");
      if (body.msg_type === 7 && !body.media?.file_info) return refuse(50035, "media without file_info");
      origin.seqs.add(seq);
    }
    origin.replies += 1;
    sent.push(record);
    if (lostResponses > 0) {
      lostResponses -= 1;
      // The message went out, but its answer never reaches the bot (a cut connection).
      return response.destroy();
    }
    json(response, 200, { id: `sent-${++counter}`, timestamp: Math.floor(Date.now() / 1000) });
  };

  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const path = url.pathname;
    try {
      if (request.method === "POST" && path === "/app/getAppAccessToken") {
        const body = await readJson(request);
        tokenRequests.push(body);
        if (isTokenDown) return json(response, 500, { code: 500, message: "internal error" });
        if (body?.appId !== appId || body?.clientSecret !== appSecret) return json(response, 200, { code: 100016, message: "invalid appid or secret" });
        const token = `fake-access-token-${++counter}`;
        tokens.set(token, Date.now() + settings.tokenTtlSec * 1000);
        return json(response, 200, { access_token: token, expires_in: String(settings.tokenTtlSec) });
      }
      if (request.method === "GET" && path.startsWith("/media/")) {
        mediaHits.push(path);
        const item = media.get(path.slice("/media/".length));
        if (!item) return json(response, 404, {});
        response.writeHead(200, { "content-type": item.type, "content-length": item.bytes.length });
        return response.end(item.bytes);
      }
      if (!isAuthed(request)) {
        unauthorized.push(path);
        return json(response, 401, { code: 11244, message: "token not exist or expire" });
      }
      if (request.method === "GET" && path === "/users/@me") return json(response, 200, { id: botId, username: "PincerFakeBot", bot: true });
      const acknowledged = /^\/interactions\/([^/]+)$/.exec(path);
      if (request.method === "PUT" && acknowledged) {
        const body = await readJson(request);
        interactionAcks.push({ id: decodeURIComponent(acknowledged[1]!), code: body?.code });
        response.writeHead(204);
        return response.end();
      }
      if (request.method === "GET" && path === "/gateway") return json(response, 200, { url: `ws://127.0.0.1:${port}/websocket` });
      let match = /^\/v2\/(users|groups)\/([^/]+)\/(messages|files)$/.exec(path);
      if (request.method === "POST" && match) {
        const chat = `${match[1] === "users" ? "user" : "group"}:${decodeURIComponent(match[2]!)}`;
        if (match[3] === "files") {
          const body = await readJson(request);
          uploads.push({ path, body });
          if (![1, 2, 3, 4].includes(body?.file_type) || body?.srv_send_msg !== false || !(body?.url || body?.file_data)) return json(response, 400, { code: 50035, message: "bad upload" });
          return json(response, 200, { file_uuid: `uuid-${++counter}`, file_info: `file-info-${counter}`, ttl: 3600 });
        }
        return handleMessage(request, response, path, chat, match[1] === "users" ? "user" : "group");
      }
      match = /^\/(channels|dms)\/([^/]+)\/messages$/.exec(path);
      if (request.method === "POST" && match) return handleMessage(request, response, path, `${match[1] === "channels" ? "channel" : "dms"}:${decodeURIComponent(match[2]!)}`, "guild");
      return json(response, 404, { code: 404, message: "not found" });
    } catch (error) {
      return json(response, 500, { code: 500, message: String(error) });
    }
  });

  // The WebSocket gateway: sessions keep their events, so a resume replays what was missed.
  const wss = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, { events: { s: number; t: string; d: unknown; id: string }[] }>();
  const sockets = new Set<WebSocket>();
  let sequence = 0;
  let identifies = 0;
  let resumes = 0;
  /** Connections that get no heartbeat ack and no event any more (half-open). */
  const muted = new Set<WebSocket>();
  server.on("upgrade", (request, socket, head) => {
    if (!request.url?.startsWith("/websocket")) return socket.destroy();
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws));
  });
  wss.on("connection", (ws: WebSocket) => {
    let sessionId: string | undefined;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: settings.heartbeatIntervalMs } }));
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as { op: number; d: any };
      gatewayFrames.push(frame);
      const tokenOk = () => {
        const match = /^QQBot (\S+)$/.exec(frame.d?.token ?? "");
        const expiresAt = match ? tokens.get(match[1]!) : undefined;
        return expiresAt !== undefined && Date.now() < expiresAt;
      };
      if (frame.op === 1) return muted.has(ws) ? undefined : ws.send(JSON.stringify({ op: 11 }));
      if (frame.op === 2) {
        if (!tokenOk() || typeof frame.d?.intents !== "number") return ws.close(4004, "authentication failed");
        identifies += 1;
        sessionId = `session-${++counter}`;
        sessions.set(sessionId, { events: [] });
        sockets.add(ws);
        return ws.send(JSON.stringify({ op: 0, s: ++sequence, t: "READY", d: { version: 1, session_id: sessionId, user: { id: botId, username: "PincerFakeBot", bot: true }, shard: [0, 1] } }));
      }
      if (frame.op === 6) {
        const session = sessions.get(frame.d?.session_id);
        if (!tokenOk() || !session) return ws.send(JSON.stringify({ op: 9, d: false }));
        resumes += 1;
        sessionId = frame.d.session_id;
        sockets.add(ws);
        for (const event of session.events.filter((item) => item.s > Number(frame.d.seq ?? 0))) ws.send(JSON.stringify({ op: 0, ...event }));
        return ws.send(JSON.stringify({ op: 0, s: ++sequence, t: "RESUMED", d: "" }));
      }
    });
    ws.on("close", () => sockets.delete(ws));
    (ws as WebSocket & { sessionId?: () => string | undefined }).sessionId = () => sessionId;
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  const openids = { user: "E4F4AEA33253A2797FB897C50B81D7ED", member: "8F0C1A9B7D6E5F4A3B2C1D0E9F8A7B6C", group: "C9F778FE6ADF9D1D1DBE395BF744A33A" };

  /** Builds an event as QQ would push it, and remembers its message for the reply rules. */
  const event = (t: string, d: Record<string, unknown>, chat: string) => {
    const id = (d.id as string | undefined) ?? `ROBOT1.0_fake.${++counter}!`;
    if (!delivered.has(id)) delivered.set(id, { chat, at: Date.now(), replies: 0, seqs: new Set() });
    return { id: `${t}:${id}`, op: 0, t, d: { ...d, id, timestamp: new Date().toISOString() } };
  };

  const events = {
    c2c: (content: string, extra: Record<string, unknown> = {}, userOpenid = openids.user) =>
      event("C2C_MESSAGE_CREATE", { author: { user_openid: userOpenid }, content, ...extra }, `user:${userOpenid}`),
    groupAt: (content: string, extra: Record<string, unknown> = {}, groupOpenid = openids.group) =>
      event("GROUP_AT_MESSAGE_CREATE", { author: { member_openid: openids.member }, content: ` ${content}`, group_openid: groupOpenid, ...extra }, `group:${groupOpenid}`),
    guild: (t: "AT_MESSAGE_CREATE" | "MESSAGE_CREATE", content: string, channelId = "100010") =>
      event(t, { author: { id: "1234", username: "abc", bot: false }, channel_id: channelId, guild_id: "18700000000001", content, mentions: [{ id: botId, bot: true }], seq: 101 }, `channel:${channelId}`),
    /** A press on a callback button (msg-btn.md's INTERACTION_CREATE), in a group or a C2C chat; replies answer it with `event_id`. */
    buttonPress: (buttonData: string, scene: "group" | "c2c" = "group", who = scene === "group" ? openids.member : openids.user) => {
      const id = `fake-interaction-${++counter}`;
      const chat = scene === "group" ? `group:${openids.group}` : `user:${who}`;
      delivered.set(`event:${id}`, { chat, at: Date.now(), replies: 0, seqs: new Set() });
      const where = scene === "group" ? { chat_type: 1, group_openid: openids.group, group_member_openid: who } : { chat_type: 2, user_openid: who };
      const d = { id, type: 11, scene, ...where, timestamp: new Date().toISOString(), data: { type: 11, resolved: { button_data: buttonData, button_id: "1" } }, version: 1, application_id: appId };
      return { id: `INTERACTION_CREATE:${id}`, op: 0, t: "INTERACTION_CREATE", d };
    },
    direct: (content: string, guildId = "18700000000002") =>
      event("DIRECT_MESSAGE_CREATE", { author: { id: "1234", username: "abc", bot: false }, channel_id: "100011", guild_id: guildId, content }, `dms:${guildId}`),
  };

  return {
    appId,
    appSecret,
    botId,
    origin,
    tokenUrl: `${origin}/app/getAppAccessToken`,
    openids,
    settings,
    sent,
    refused,
    uploads,
    unauthorized,
    interactionAcks,
    tokenRequests,
    gatewayFrames,
    mediaHits,
    events,
    get identifies() {
      return identifies;
    },
    get resumes() {
      return resumes;
    },
    /** Serves bytes at `${origin}/media/<name>` (an attachment's url). */
    serveMedia(name: string, bytes: Buffer, type: string) {
      media.set(name, { bytes, type });
      return `${origin}/media/${name}`;
    },
    /** The texts sent to `chat` (`user:<openid>`, `group:<openid>`, `channel:<id>`, `dms:<guild>`), in order. */
    textsIn: (chat: string) => sent.filter((record) => record.chat === chat && record.body.msg_type !== 7).map((record) => String(record.body.markdown?.content ?? record.body.content)),
    /** Every access token issued so far stops working now (as at its expiry). */
    expireTokens() {
      for (const token of tokens.keys()) tokens.set(token, 0);
    },
    /** While down, the token endpoint answers 500. */
    setTokenDown(isDown: boolean) {
      isTokenDown = isDown;
    },
    /** The next `count` accepted messages are sent, but their HTTP answers are cut off. */
    loseResponses(count = 1) {
      lostResponses = count;
    },
    /** Makes every message delivered so far look `ageMs` older (their reply windows close). */
    ageMessages(ageMs: number) {
      for (const origin of delivered.values()) origin.at -= ageMs;
    },
    /** POSTs `payload` to the webhook, signed as QQ signs it (or with `signature`/`timestamp` given). */
    async deliver(url: string, payload: unknown, sigOptions: { timestamp?: string; signature?: string; rawBody?: string } = {}) {
      const body = sigOptions.rawBody ?? JSON.stringify(payload);
      const timestamp = sigOptions.timestamp ?? String(Math.floor(Date.now() / 1000));
      const response = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "QQBot-Callback",
          "x-bot-appid": appId,
          "x-signature-method": "Ed25519",
          "x-signature-timestamp": timestamp,
          "x-signature-ed25519": sigOptions.signature ?? qqSign(appSecret, timestamp, body),
        },
        body,
      });
      return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
    },
    /** Sends an event on the gateway (to the live socket; kept for a resume either way). */
    dispatch(payload: { id: string; t: string; d: unknown }) {
      const s = ++sequence;
      for (const session of sessions.values()) session.events.push({ s, t: payload.t, d: payload.d, id: payload.id });
      for (const ws of sockets) ws.send(JSON.stringify({ op: 0, s, t: payload.t, d: payload.d, id: payload.id }));
      return s;
    },
    /** Cuts every gateway connection, as a network drop would. */
    dropConnections() {
      for (const ws of sockets) ws.terminate();
      sockets.clear();
    },
    connectedSockets: () => sockets.size,
    /** Stops acknowledging heartbeats on the current connections (they stay open, silent). */
    muteHeartbeats() {
      for (const ws of sockets) muted.add(ws);
      sockets.clear();
      return muted.size;
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeQq = Awaited<ReturnType<typeof startFakeQq>>;
