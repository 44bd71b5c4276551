import { parseJson, sendJson, startHttpFake, type RecordedBase } from "./http-fake.ts";

/**
 * A fake Feishu Open Platform on 127.0.0.1: tenant tokens that expire, the bot's identity, sending and
 * replying (deduped by `uuid` within an hour), updating (PATCH card / PUT text) and reading messages,
 * resource downloads, image and file uploads, and the long-connection endpoint (`/callback/ws/endpoint`,
 * pointing at `startFeishuWs`).
 */

export const fakeAppId = "cli_a1b2c3d4e5f60718";
export const fakeAppSecret = "fake-app-secret-not-real";
export const fakeBotOpenId = "ou_fakebot0000000000000000000001";

export type FeishuRequest = RecordedBase & {
  /** The path without the query. */
  route: string;
  query: URLSearchParams;
  body: unknown;
  /** The bearer token sent, if any. */
  token: string | undefined;
  /** What the fake answered: HTTP status and Feishu code. */
  answered?: { status: number; code: number };
};

export interface SentRecord {
  messageId: string;
  chatId: string;
  msgType: string;
  /** The content JSON as last set (create, then PATCH/PUT updates). */
  content: string;
  contents: string[];
  via: "create" | "reply";
  parentId?: string;
  isReplyInThread?: boolean;
}

export interface UploadRecord {
  key: string;
  kind: "image" | "file";
  fields: Record<string, string>;
  bytes: Uint8Array;
}

export interface FailureScript {
  /** Matches `METHOD /path` (e.g. `POST /open-apis/im/v1/messages`). */
  match: RegExp;
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
}

export interface FakeOpenPlatformOptions {
  /** How long the fake accepts a token it issued. */
  tokenLifetimeMs?: number;
  /** The `expire` (seconds) it reports with a token; the SDK caches until 3 minutes before it. */
  reportedExpireSec?: number;
  /** The long-connection URL handed out by `/callback/ws/endpoint`. */
  wsUrl?: string;
  wsClientConfig?: () => unknown;
}

/** Requests with the same `uuid` send at most one message within an hour (im-v1/message/create, …/reply). */
const uuidWindowMs = 3600 * 1000;

const invalidToken = { code: 99991663, msg: "Invalid access token for authorization. Please make a request with token attached." };

export async function startFakeOpenPlatform(options: FakeOpenPlatformOptions = {}) {
  const tokens = new Map<string, number>();
  const sent: SentRecord[] = [];
  /** What `GET /open-apis/im/v1/messages` lists per chat: the messages people sent (given as receive_v1 events). */
  const history = new Map<string, Record<string, unknown>[]>();
  const uploads: UploadRecord[] = [];
  const resources = new Map<string, { bytes: Uint8Array; contentType: string; type: "image" | "file" }>();
  /** Messages of users the fake knows (replied-to messages that are not the bot's). */
  const foreignMessages = new Set<string>();
  const failures: FailureScript[] = [];
  /** Sends by `uuid`: a repeat within the hour answers with the first message and sends nothing (im-v1/message/create). */
  const byUuid = new Map<string, { entry: SentRecord; atMs: number }>();
  let sequence = 0;
  const settings = {
    tokenLifetimeMs: options.tokenLifetimeMs ?? 2 * 3600 * 1000,
    reportedExpireSec: options.reportedExpireSec ?? 7200,
    wsUrl: options.wsUrl,
    isEndpointDown: false,
  };

  const fake = await startHttpFake<FeishuRequest>({
    async describe(base, rawBody) {
      const url = new URL(base.path, "http://fake");
      const contentType = base.headers["content-type"] ?? "";
      let body: unknown;
      if (contentType.startsWith("multipart/form-data")) {
        body = parseMultipart(rawBody, /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType)?.slice(1).find(Boolean) ?? "");
      } else body = rawBody.length ? parseJson(rawBody) : undefined;
      const token = /^Bearer (.+)$/.exec(base.headers.authorization ?? "")?.[1];
      return { ...base, route: url.pathname, query: url.searchParams, body, token };
    },
    async respond(request, exchange) {
      const answer = async (status: number, payload: { code: number } & Record<string, unknown>, headers: Record<string, string> = {}) => {
        request.answered = { status, code: payload.code };
        await sendJson(exchange, status, payload, headers);
      };
      const { route, method } = { route: request.route, method: request.method };

      if (method === "POST" && route === "/open-apis/auth/v3/tenant_access_token/internal") {
        const body = request.body as { app_id?: string; app_secret?: string };
        if (body?.app_id !== fakeAppId || body.app_secret !== fakeAppSecret) return answer(400, { code: 10014, msg: "app secret invalid" });
        sequence += 1;
        const token = `t-fake-${sequence}`;
        tokens.set(token, Date.now() + settings.tokenLifetimeMs);
        return answer(200, { code: 0, msg: "ok", tenant_access_token: token, expire: settings.reportedExpireSec });
      }
      if (method === "POST" && route === "/callback/ws/endpoint") {
        if (settings.isEndpointDown) return answer(503, { code: 1, msg: "service unavailable" });
        const body = request.body as { AppID?: string; AppSecret?: string };
        if (body?.AppID !== fakeAppId || body.AppSecret !== fakeAppSecret) return answer(200, { code: 1000040343, msg: "invalid app" });
        if (!settings.wsUrl) return answer(200, { code: 1, msg: "no long connection in this fake" });
        return answer(200, { code: 0, msg: "ok", data: { URL: settings.wsUrl, ClientConfig: options.wsClientConfig?.() ?? {} } });
      }

      const scripted = failures.findIndex((failure) => failure.match.test(`${method} ${route}`));
      if (scripted >= 0) {
        const [failure] = failures.splice(scripted, 1);
        return answer(failure!.status, { code: failure!.code, msg: failure!.msg ?? "scripted failure" }, failure!.headers);
      }

      const expiresAt = request.token ? tokens.get(request.token) : undefined;
      if (expiresAt === undefined || expiresAt <= Date.now()) return answer(400, invalidToken);

      if (method === "GET" && route === "/open-apis/bot/v3/info") {
        return answer(200, { code: 0, msg: "ok", bot: { activate_status: 2, app_name: "Pincer Bot", avatar_url: "", ip_white_list: [], open_id: fakeBotOpenId } });
      }
      const contact = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(route);
      if (method === "GET" && contact) {
        // Contact API: a name for each user's open_id (the app needs contact:user.base:readonly).
        const openId = decodeURIComponent(contact[1]!);
        if (request.query.get("user_id_type") !== "open_id" || !openId.startsWith("ou_")) return answer(400, { code: 40001, msg: "invalid user id" });
        return answer(200, { code: 0, msg: "success", data: { user: { open_id: openId, name: `Person ${openId.slice(-4)}` } } });
      }
      const body = (request.body ?? {}) as Record<string, unknown>;
      const record = (via: "create" | "reply", chatId: string, parentId?: string): SentRecord => {
        sequence += 1;
        const entry: SentRecord = {
          messageId: `om_fakebot${String(sequence).padStart(6, "0")}`,
          chatId,
          msgType: String(body.msg_type),
          content: String(body.content),
          contents: [String(body.content)],
          via,
          ...(parentId ? { parentId, isReplyInThread: body.reply_in_thread === true } : {}),
        };
        sent.push(entry);
        return entry;
      };
      const messageAnswer = (entry: SentRecord) =>
        answer(200, { code: 0, msg: "success", data: { message_id: entry.messageId, chat_id: entry.chatId, msg_type: entry.msgType, body: { content: entry.content } } });
      const validContent = () => typeof body.content === "string" && parseJson(Buffer.from(body.content)) !== null;
      const uuid = typeof body.uuid === "string" ? body.uuid : undefined;
      /** Sends once per uuid within the hour: a repeat gets the first message (success, its id), whatever it carries. */
      const sendOnce = (send: () => SentRecord) => {
        const earlier = uuid === undefined ? undefined : byUuid.get(uuid);
        if (earlier && Date.now() - earlier.atMs < uuidWindowMs) return messageAnswer(earlier.entry);
        const entry = send();
        if (uuid !== undefined) byUuid.set(uuid, { entry, atMs: Date.now() });
        return messageAnswer(entry);
      };

      if (method === "GET" && route === "/open-apis/im/v1/messages") {
        const chatId = request.query.get("container_id") ?? "";
        if (request.query.get("container_id_type") !== "chat" || !history.has(chatId)) return answer(400, { code: 230001, msg: "invalid container" });
        const startMs = Number(request.query.get("start_time") ?? "0") * 1000;
        const items = history.get(chatId)!.filter((item) => Number(item.create_time) >= startMs);
        return answer(200, { code: 0, msg: "success", data: { items, has_more: false } });
      }
      if (method === "POST" && route === "/open-apis/im/v1/messages") {
        if (request.query.get("receive_id_type") !== "chat_id" || typeof body.receive_id !== "string" || !validContent() || (uuid?.length ?? 0) > 50) {
          return answer(400, { code: 230001, msg: "invalid message" });
        }
        const chatId = body.receive_id;
        return sendOnce(() => record("create", chatId));
      }
      const reply = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/reply$/.exec(route);
      if (method === "POST" && reply) {
        if (!validContent() || (uuid?.length ?? 0) > 50) return answer(400, { code: 230001, msg: "invalid message" });
        return sendOnce(() => record("reply", "(reply)", reply[1]));
      }
      const resource = /^\/open-apis\/im\/v1\/messages\/([^/]+)\/resources\/([^/]+)$/.exec(route);
      if (method === "GET" && resource) {
        const stored = resources.get(`${resource[1]}:${resource[2]}`);
        if (!stored || request.query.get("type") !== stored.type) return answer(400, { code: 234003, msg: "file not found or wrong type" });
        request.answered = { status: 200, code: 0 };
        exchange.response.writeHead(200, { "content-type": stored.contentType, "content-length": stored.bytes.length });
        exchange.response.end(stored.bytes);
        return;
      }
      const single = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(route);
      if (single) {
        const entry = sent.find((candidate) => candidate.messageId === single[1]);
        if (method === "GET") {
          if (entry) {
            return answer(200, { code: 0, msg: "success", data: { items: [{ message_id: entry.messageId, msg_type: entry.msgType, sender: { id: fakeAppId, id_type: "app_id", sender_type: "app" } }] } });
          }
          if (foreignMessages.has(single[1]!)) {
            return answer(200, { code: 0, msg: "success", data: { items: [{ message_id: single[1], sender: { id: "ou_someone", id_type: "open_id", sender_type: "user" } }] } });
          }
          return answer(400, { code: 230002, msg: "message not found" });
        }
        if (!entry) return answer(400, { code: 230002, msg: "message not found" });
        if (!validContent()) return answer(400, { code: 230001, msg: "invalid content" });
        if (method === "PATCH" && entry.msgType !== "interactive") return answer(400, { code: 230031, msg: "only cards can be patched" });
        if (method === "PUT" && entry.msgType !== "text" && entry.msgType !== "post") return answer(400, { code: 230031, msg: "only text and post can be updated" });
        entry.content = String(body.content);
        entry.contents.push(entry.content);
        return answer(200, { code: 0, msg: "success", data: {} });
      }
      if (method === "POST" && (route === "/open-apis/im/v1/images" || route === "/open-apis/im/v1/files")) {
        const form = request.body as { fields: Record<string, string>; bytes: Uint8Array };
        if (!form?.fields || form.bytes.length === 0) return answer(400, { code: 234001, msg: "invalid upload" });
        sequence += 1;
        const isImage = route.endsWith("/images");
        const key = isImage ? `img_v3_fake${sequence}` : `file_v3_fake${sequence}`;
        uploads.push({ key, kind: isImage ? "image" : "file", fields: form.fields, bytes: form.bytes });
        return answer(200, { code: 0, msg: "success", data: isImage ? { image_key: key } : { file_key: key } });
      }
      return answer(404, { code: 404, msg: `fake has no ${method} ${route}` });
    },
  });

  return {
    origin: fake.origin,
    requests: fake.requests,
    waitFor: fake.waitFor,
    close: fake.close,
    settings,
    sent,
    /** A message someone sent (an im.message.receive_v1 body) as the chat's history lists it. */
    addToHistory(body: { event: { sender: { sender_id?: { open_id?: string }; sender_type: string }; message: Record<string, unknown> } }) {
      const { sender, message } = body.event;
      const chatId = String(message.chat_id);
      const mentions = (message.mentions as { key: string; id: { open_id: string }; name: string }[] | undefined) ?? [];
      const list = history.get(chatId) ?? [];
      list.push({
        message_id: message.message_id,
        msg_type: message.message_type,
        create_time: message.create_time,
        chat_id: chatId,
        deleted: false,
        sender: { id: sender.sender_id?.open_id, id_type: "open_id", sender_type: sender.sender_type, tenant_key: "fake_tenant" },
        body: { content: message.content },
        mentions: mentions.map((mention) => ({ key: mention.key, id: mention.id.open_id, id_type: "open_id", name: mention.name, tenant_key: "fake_tenant" })),
      });
      history.set(chatId, list);
    },
    uploads,
    /** Makes a message (and its resources) downloadable, as if a user had sent it. */
    addResource(messageId: string, fileKey: string, type: "image" | "file", bytes: Uint8Array, contentType: string) {
      resources.set(`${messageId}:${fileKey}`, { bytes, contentType, type });
    },
    addForeignMessage(messageId: string) {
      foreignMessages.add(messageId);
    },
    /** While down, the long-connection endpoint answers 503 (the SDK keeps retrying, the channel stays degraded). */
    setEndpointDown(value: boolean) {
      settings.isEndpointDown = value;
    },
    /** The next request matching `match` fails as scripted. */
    failNext(failure: FailureScript) {
      failures.push(failure);
    },
    /** Every token issued so far (in order). */
    issuedTokens: () => [...tokens.keys()],
    /** Sent and edited card texts: the markdown elements' content of each bot message. */
    texts: () => sent.map(textOf),
  };
}

/** Text fields, and the bytes of the one part named `image` or `file` (the upload), of a multipart body. */
function parseMultipart(raw: Buffer, boundary: string): { fields: Record<string, string>; bytes: Uint8Array } {
  const fields: Record<string, string> = {};
  let bytes = new Uint8Array();
  const delimiter = Buffer.from(`--${boundary}`);
  let start = raw.indexOf(delimiter);
  while (start >= 0) {
    const next = raw.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = raw.subarray(start + delimiter.length + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    const headers = part.subarray(0, split).toString("utf8");
    const content = part.subarray(split + 4);
    const name = /name="([^"]+)"/.exec(headers)?.[1] ?? "";
    if (name === "image" || name === "file") bytes = new Uint8Array(content);
    else fields[name] = content.toString("utf8");
    start = next;
  }
  return { fields, bytes };
}

/** The words a bot message shows: a card's markdown elements, a text message's text. */
export function textOf(entry: Pick<SentRecord, "msgType" | "content">): string {
  const content = JSON.parse(entry.content) as Record<string, unknown>;
  if (entry.msgType === "text") return String(content.text);
  if (entry.msgType === "interactive") {
    const elements = ((content.body as { elements?: { tag: string; content?: string }[] } | undefined)?.elements ?? []);
    return elements.filter((element) => element.tag === "markdown").map((element) => element.content).join("\n");
  }
  return entry.msgType;
}

export type FakeOpenPlatform = Awaited<ReturnType<typeof startFakeOpenPlatform>>;
