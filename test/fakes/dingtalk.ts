import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/**
 * A fake DingTalk: the OpenAPI endpoints the adapter uses (access token, stream gateway, robot sends,
 * file download, AI cards) over HTTP, and the Stream protocol over a real WebSocket (`/stream?ticket=`):
 * CALLBACK frames with a `messageId` each, acknowledgements recorded, SYSTEM `ping` and `disconnect`.
 * Session webhooks are URLs on the fake that record what is posted to them.
 */

export interface ApiCall {
  method: string;
  path: string;
  token: string | undefined;
  body: Record<string, unknown>;
  status: number;
}

export interface Ack {
  messageId: string;
  data: unknown;
}

/** A message as it shows in a chat: how it was sent, and its text (a card's latest content). */
export interface ChatMessage {
  chatId: string;
  via: "session" | "batchSend" | "groupSend" | "card";
  text: string;
  outTrackId?: string;
}

export interface DingtalkFake {
  /** `http://127.0.0.1:<port>`: DINGTALK_API_BASE. */
  origin: string;
  calls: ApiCall[];
  acks: Ack[];
  pingAnswers: Record<string, unknown>[];
  /** Connections opened (each `connections/open` that succeeded) and sockets currently open. */
  readonly openedCount: number;
  readonly socketCount: number;
  /** Access tokens issued, in order. */
  tokens: string[];
  /** Stream tickets issued by `connections/open`, in order (each a one-time credential for the socket). */
  tickets: string[];
  messages: ChatMessage[];
  /** Card streaming updates, by outTrackId. */
  cardUpdates(outTrackId: string): { content: string; isFinalize: boolean }[];
  /** Sends a robot message (topic /v1.0/im/bot/messages/get) to every socket; returns the frame's messageId. */
  pushMessage(data: Record<string, unknown>): string;
  /** Sends a card callback (topic /v1.0/card/instances/callback). */
  pushCardCallback(data: Record<string, unknown>): string;
  /** A session webhook URL for `chatId`, valid until `expiresAt`. */
  sessionWebhook(chatId: string): string;
  /** Serves `bytes` as the file behind `downloadCode`. */
  hostFile(downloadCode: string, bytes: Uint8Array, contentType?: string): void;
  ping(): void;
  sendDisconnect(): void;
  /** Cuts every socket at the TCP level. */
  dropConnections(): void;
  /** Every token issued so far is refused from now on (as after its expiry). */
  expireTokens(): void;
  /** The next call to `path` is answered `status` with `body`. */
  failNext(path: string, status: number, body: Record<string, unknown>): void;
  waitFor(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface DingtalkFakeOptions {
  clientId: string;
  clientSecret: string;
  /** expireIn of issued tokens, seconds. */
  tokenExpireSec?: number;
}

const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
};

export async function startDingtalkFake(options: DingtalkFakeOptions): Promise<DingtalkFake> {
  const calls: ApiCall[] = [];
  const acks: Ack[] = [];
  const pingAnswers: Record<string, unknown>[] = [];
  const tokens: string[] = [];
  const validTokens = new Set<string>();
  const tickets = new Set<string>();
  const issuedTickets: string[] = [];
  const sockets = new Set<WebSocket>();
  const sessions = new Map<string, string>();
  const files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  const failures = new Map<string, { status: number; body: Record<string, unknown> }[]>();
  const messages: ChatMessage[] = [];
  const cards = new Map<string, { chatId: string; updates: { content: string; isFinalize: boolean }[] }>();
  let openedCount = 0;
  const watchers = new Set<() => void>();
  const notify = () => {
    for (const watch of [...watchers]) watch();
  };

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { "content-type": "application/json" });
    response.end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const text = await readBody(request);
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      body = {};
    }
    const token = request.headers["x-acs-dingtalk-access-token"] as string | undefined;
    const record = (status: number) => {
      calls.push({ method: request.method ?? "GET", path: url.pathname, token, body, status });
      notify();
    };
    const answer = (status: number, payload: unknown) => {
      record(status);
      json(response, status, payload);
    };

    if (request.method === "GET" && url.pathname.startsWith("/files/")) {
      const file = files.get(decodeURIComponent(url.pathname.slice("/files/".length)));
      if (!file) return answer(404, {});
      record(200);
      response.writeHead(200, { "content-type": file.contentType, "content-length": String(file.bytes.length) });
      response.end(Buffer.from(file.bytes));
      return;
    }
    const scripted = failures.get(url.pathname)?.shift();
    if (scripted) return answer(scripted.status, scripted.body);

    if (url.pathname === "/v1.0/oauth2/accessToken") {
      if (body.appKey !== options.clientId || body.appSecret !== options.clientSecret) return answer(400, { code: "invalidClientIdOrSecret", message: "无效的clientId或clientSecret" });
      const issued = `fake-token-${tokens.length + 1}`;
      tokens.push(issued);
      validTokens.add(issued);
      return answer(200, { accessToken: issued, expireIn: options.tokenExpireSec ?? 7200 });
    }
    if (url.pathname === "/v1.0/gateway/connections/open") {
      if (body.clientId !== options.clientId || body.clientSecret !== options.clientSecret) return answer(401, { code: "InvalidAuthentication", message: "bad client" });
      const ticket = randomUUID();
      tickets.add(ticket);
      issuedTickets.push(ticket);
      openedCount += 1;
      const port = (server.address() as AddressInfo).port;
      return answer(200, { endpoint: `ws://127.0.0.1:${port}/stream`, ticket });
    }
    if (url.pathname === "/robot/sendBySession") {
      const chatId = sessions.get(url.searchParams.get("session") ?? "");
      if (!chatId) return answer(200, { errcode: 300001, errmsg: "session expired" });
      const markdown = body.markdown as { text?: string } | undefined;
      messages.push({ chatId, via: "session", text: markdown?.text ?? String((body.text as { content?: string } | undefined)?.content ?? "") });
      return answer(200, { errcode: 0, errmsg: "ok" });
    }
    if (!token || !validTokens.has(token)) return answer(401, { code: "InvalidAuthentication", message: "不合法的access_token" });

    switch (url.pathname) {
      case "/v1.0/robot/oToMessages/batchSend":
      case "/v1.0/robot/groupMessages/send": {
        const isGroup = url.pathname.includes("group");
        const param = JSON.parse(String(body.msgParam ?? "{}")) as { text?: string; content?: string };
        const chatId = isGroup ? String(body.openConversationId) : String((body.userIds as string[])[0]);
        messages.push({ chatId, via: isGroup ? "groupSend" : "batchSend", text: param.text ?? param.content ?? "" });
        return answer(200, { processQueryKey: randomUUID() });
      }
      case "/v1.0/robot/messageFiles/download": {
        const port = (server.address() as AddressInfo).port;
        if (!files.has(String(body.downloadCode))) return answer(400, { code: "invalidParameter", message: "downloadCode" });
        return answer(200, { downloadUrl: `http://127.0.0.1:${port}/files/${encodeURIComponent(String(body.downloadCode))}` });
      }
      case "/v1.0/card/instances/createAndDeliver": {
        const space = String(body.openSpaceId ?? "");
        const chatId = space.replace(/^dtv1\.card\/\/IM_(GROUP|ROBOT)\./, "");
        const outTrackId = String(body.outTrackId);
        const params = (body.cardData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap ?? {};
        cards.set(outTrackId, { chatId, updates: [] });
        messages.push({ chatId, via: "card", text: params.content ?? "", outTrackId });
        return answer(200, { success: true, result: { outTrackId } });
      }
      case "/v1.0/card/streaming": {
        const card = cards.get(String(body.outTrackId));
        if (!card) return answer(400, { code: "cardNotFound" });
        card.updates.push({ content: String(body.content), isFinalize: body.isFinalize === true });
        const message = messages.find((entry) => entry.outTrackId === body.outTrackId);
        if (message) message.text = String(body.content);
        return answer(200, { success: true });
      }
      case "/v1.0/card/instances": {
        const params = (body.cardData as { cardParamMap?: Record<string, string> } | undefined)?.cardParamMap ?? {};
        const message = messages.find((entry) => entry.outTrackId === body.outTrackId);
        if (message && params.content !== undefined) message.text = params.content;
        return answer(200, { success: true });
      }
      default:
        return answer(404, { code: "notFound" });
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => json(response, 500, { message: String(error) }));
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on("upgrade", (request, socket, head) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const ticket = url.searchParams.get("ticket") ?? "";
    if (url.pathname !== "/stream" || !tickets.delete(ticket)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      sockets.add(ws);
      notify();
      ws.on("message", (raw) => {
        const frame = JSON.parse(raw.toString()) as { headers?: Record<string, unknown>; data?: string };
        if (frame.headers?.topic === "ping") pingAnswers.push(frame as Record<string, unknown>);
        else if (typeof frame.headers?.messageId === "string") acks.push({ messageId: frame.headers.messageId, data: JSON.parse(frame.data ?? "null") as unknown });
        notify();
      });
      ws.on("close", () => {
        sockets.delete(ws);
        notify();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const broadcast = (frame: Record<string, unknown>) => {
    for (const ws of sockets) ws.send(JSON.stringify(frame));
  };
  const pushCallback = (topic: string, data: Record<string, unknown>): string => {
    const messageId = randomUUID();
    broadcast({
      specVersion: "1.0",
      type: "CALLBACK",
      headers: { appId: "fake-app", connectionId: "fake-conn", contentType: "application/json", messageId, time: String(Date.now()), topic },
      data: JSON.stringify(data),
    });
    return messageId;
  };

  return {
    origin,
    calls,
    acks,
    pingAnswers,
    tokens,
    tickets: issuedTickets,
    messages,
    get openedCount() {
      return openedCount;
    },
    get socketCount() {
      return sockets.size;
    },
    cardUpdates: (outTrackId) => cards.get(outTrackId)?.updates ?? [],
    pushMessage: (data) => pushCallback("/v1.0/im/bot/messages/get", data),
    pushCardCallback: (data) => pushCallback("/v1.0/card/instances/callback", data),
    sessionWebhook(chatId) {
      const session = randomUUID();
      sessions.set(session, chatId);
      return `${origin}/robot/sendBySession?session=${session}`;
    },
    hostFile(downloadCode, bytes, contentType = "application/octet-stream") {
      files.set(downloadCode, { bytes, contentType });
    },
    ping() {
      broadcast({ specVersion: "1.0", type: "SYSTEM", headers: { contentType: "application/json", messageId: randomUUID(), time: String(Date.now()), topic: "ping" }, data: JSON.stringify({ opaque: randomUUID() }) });
    },
    sendDisconnect() {
      broadcast({ specVersion: "1.0", type: "SYSTEM", headers: { contentType: "application/json", messageId: randomUUID(), time: String(Date.now()), topic: "disconnect" }, data: JSON.stringify({ reason: "server restart" }) });
    },
    dropConnections() {
      for (const ws of sockets) ws.terminate();
    },
    expireTokens() {
      validTokens.clear();
    },
    failNext(path, status, body) {
      failures.set(path, [...(failures.get(path) ?? []), { status, body }]);
    },
    waitFor(predicate, timeoutMs = 4000) {
      if (predicate()) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(watch);
          reject(new Error("the fake DingTalk did not see what was awaited"));
        }, timeoutMs);
        const watch = () => {
          if (!predicate()) return;
          clearTimeout(timer);
          watchers.delete(watch);
          resolve();
        };
        watchers.add(watch);
      });
    },
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A robot message as DingTalk sends it (fields from DingTalk's "receive messages" doc), with `overrides`. */
export function robotMessage(fake: DingtalkFake, overrides: Record<string, unknown> & { msgId: string }): Record<string, unknown> {
  const isGroup = overrides.conversationType === "2";
  const conversationId = (overrides.conversationId as string | undefined) ?? (isGroup ? "cidFakeGroup0001==" : "cidFakeDirect0001==");
  const staffId = (overrides.senderStaffId as string | undefined) ?? "manager4520";
  return {
    conversationId,
    chatbotCorpId: "dingfakecorp",
    chatbotUserId: "$:LWCP_v1:$fakeRobotUserId",
    msgtype: "text",
    text: { content: "hello" },
    senderNick: "张三",
    isAdmin: true,
    senderStaffId: staffId,
    sessionWebhookExpiredTime: Date.now() + 90 * 60_000,
    createAt: Date.now(),
    senderCorpId: "dingfakecorp",
    conversationType: "1",
    senderId: "$:LWCP_v1:$fakeSenderId",
    sessionWebhook: fake.sessionWebhook(isGroup ? conversationId : staffId),
    robotCode: "dingfakeclientid",
    ...overrides,
  };
}
