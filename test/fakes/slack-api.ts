import { randomUUID } from "node:crypto";
import { parseJson, sendJson, startHttpFake, type RecordedBase } from "./http-fake.ts";
import { startFakeSlackSocket, type FakeSlackSocket } from "./slack-socket.ts";

export interface SlackApiCall extends RecordedBase {
  /** `chat.postMessage`, …; `upload` for the upload URL, `file` for a url_private download. */
  method: string;
  /** Form fields or JSON body; JSON-looking form values (`blocks`, `files`) parsed. */
  params: Record<string, unknown>;
  token: string | undefined;
  rawBody: Buffer;
}

export interface PostedMessage {
  channel: string;
  ts: string;
  threadTs: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  edits: number;
}

export interface StoredFile {
  id: string;
  name: string;
  mimetype: string;
  subtype?: string;
  bytes: Uint8Array;
  /** Set when uploaded by the bot: where it was shared. */
  channel?: string;
  threadTs?: string;
  initialComment?: string;
}

export interface FakeSlackOptions {
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
}

/** Slack's JSON-in-form values (blocks, attachments, files) arrive stringified. */
function decodeField(value: string): unknown {
  if (/^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

function paramsOf(headers: Record<string, string>, rawBody: Buffer): Record<string, unknown> {
  const type = headers["content-type"] ?? "";
  if (type.startsWith("application/json")) return (parseJson(rawBody) as Record<string, unknown> | null) ?? {};
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const params: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(rawBody.toString("utf8"))) params[key] = decodeField(value);
    return params;
  }
  return {};
}

/**
 * A fake Slack: the Web API at `/api/<method>` (bearer checked, form or JSON bodies), the external
 * upload URL, `url_private` downloads that need the bot token (302 to a login page without it), and
 * the Socket Mode websocket. `rateLimit(method)` answers the next call with 429 + Retry-After.
 */
export async function startFakeSlack(options: FakeSlackOptions = {}) {
  const botToken = options.botToken ?? "xoxb-test-fake-bot-token";
  const appToken = options.appToken ?? "xapp-test-fake-app-token";
  const botUserId = options.botUserId ?? "U00FAKEBOT01";
  const botId = options.botId ?? "B00FAKEBOT01";
  const teamId = options.teamId ?? "T00FAKE00AA";
  /** What `conversations.history` lists, per channel, oldest first: messages people sent (as events) and the bot's posts. */
  const history = new Map<string, Record<string, unknown>[]>();
  const addToHistory = (channel: string, message: Record<string, unknown>) => {
    const list = history.get(channel) ?? [];
    if (list.some((each) => each.ts === message.ts)) return;
    list.push(message);
    history.set(channel, list);
  };
  /** A message event as Slack keeps it in the channel's history (no channel, no event_ts). */
  const recordEvent = (payload: unknown) => {
    const event = (payload as { event?: Record<string, unknown> } | null)?.event;
    if (!event || (event.type !== "message" && event.type !== "app_mention") || typeof event.channel !== "string") return;
    const { channel, channel_type: _type, event_ts: _eventTs, ...message } = event;
    addToHistory(channel, { ...message, type: "message" });
  };
  const socket: FakeSlackSocket = await startFakeSlackSocket({ onSend: recordEvent });
  const messages: PostedMessage[] = [];
  const files = new Map<string, StoredFile>();
  const locales = new Map<string, string>();
  const rateLimits = new Map<string, number[]>();
  const failures = new Map<string, number[]>();
  const delays = new Map<string, number[]>();
  const hangs = new Map<string, number>();
  let tsCounter = 0;
  let origin = "";

  const nextTs = () => {
    tsCounter += 1;
    return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, "0")}`;
  };

  const fileObject = (file: StoredFile) => ({
    id: file.id,
    name: file.name,
    title: file.name,
    mimetype: file.mimetype,
    filetype: file.name.split(".").at(-1),
    ...(file.subtype ? { subtype: file.subtype } : {}),
    size: file.bytes.length,
    url_private: `${origin}/files-pri/${teamId}-${file.id}/${encodeURIComponent(file.name)}`,
    url_private_download: `${origin}/files-pri/${teamId}-${file.id}/download/${encodeURIComponent(file.name)}`,
  });

  type Answer = { status?: number; body: unknown; headers?: Record<string, string> };
  const api = (call: SlackApiCall): Answer => {
    const p = call.params;
    const needed = call.method === "apps.connections.open" ? appToken : botToken;
    if (!call.token) return { body: { ok: false, error: "not_authed" } };
    if (call.token !== needed) return { body: { ok: false, error: "invalid_auth" } };
    const failure = failures.get(call.method)?.shift();
    if (failure) return { status: failure, body: { ok: false, error: "fatal_error" } };
    const limited = rateLimits.get(call.method);
    if (limited?.length) return { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": String(limited.shift()) } };
    switch (call.method) {
      case "auth.test":
        return { body: { ok: true, url: "https://fake.slack.com/", team: "Fake Team", user: "pincer", team_id: teamId, user_id: botUserId, bot_id: botId, is_enterprise_install: false } };
      case "apps.connections.open":
        return { body: { ok: true, url: socket.issueUrl() } };
      case "chat.postMessage": {
        if (typeof p.channel !== "string" || !p.channel) return { body: { ok: false, error: "channel_not_found" } };
        if (!p.text && !p.blocks) return { body: { ok: false, error: "no_text" } };
        const message: PostedMessage = {
          channel: p.channel,
          ts: nextTs(),
          threadTs: typeof p.thread_ts === "string" ? p.thread_ts : undefined,
          text: String(p.text ?? ""),
          blocks: Array.isArray(p.blocks) ? p.blocks : undefined,
          edits: 0,
        };
        messages.push(message);
        addToHistory(message.channel, { type: "message", subtype: "bot_message", text: message.text, user: botUserId, bot_id: botId, ts: message.ts });
        return { body: { ok: true, channel: message.channel, ts: message.ts, message: { type: "message", text: message.text, user: botUserId, bot_id: botId, ts: message.ts } } };
      }
      case "chat.update": {
        const message = messages.find((each) => each.channel === p.channel && each.ts === p.ts);
        if (!message) return { body: { ok: false, error: "message_not_found" } };
        if (p.text !== undefined) message.text = String(p.text);
        if (p.blocks !== undefined) message.blocks = Array.isArray(p.blocks) ? p.blocks : undefined;
        message.edits += 1;
        return { body: { ok: true, channel: message.channel, ts: message.ts, text: message.text } };
      }
      case "conversations.history": {
        const list = history.get(String(p.channel ?? ""));
        if (!list) return { body: { ok: false, error: "channel_not_found" } };
        const oldest = Number.parseFloat(String(p.oldest ?? "0"));
        const isInclusive = p.inclusive === "true" || p.inclusive === true;
        const limit = Number(p.limit ?? 100);
        const newestFirst = list
          .filter((each) => (isInclusive ? Number.parseFloat(String(each.ts)) >= oldest : Number.parseFloat(String(each.ts)) > oldest))
          .sort((a, b) => Number.parseFloat(String(b.ts)) - Number.parseFloat(String(a.ts)));
        const offset = Number(p.cursor ?? 0);
        const page = newestFirst.slice(offset, offset + limit);
        const hasMore = offset + limit < newestFirst.length;
        return { body: { ok: true, messages: page, has_more: hasMore, ...(hasMore ? { response_metadata: { next_cursor: String(offset + limit) } } : {}) } };
      }
      case "users.info": {
        const user = String(p.user ?? "");
        if (!/^[UW]/.test(user)) return { body: { ok: false, error: "user_not_found" } };
        const locale = p.include_locale === true || p.include_locale === "true" ? { locale: locales.get(user) ?? "en-US" } : {};
        return { body: { ok: true, user: { id: user, name: user.toLowerCase(), real_name: `Real ${user}`, profile: { display_name: `Person ${user}`, real_name: `Real ${user}` }, ...locale } } };
      }
      case "files.info": {
        const file = files.get(String(p.file));
        return file ? { body: { ok: true, file: fileObject(file) } } : { body: { ok: false, error: "file_not_found" } };
      }
      case "files.getUploadURLExternal": {
        if (!p.filename || !p.length) return { body: { ok: false, error: "invalid_arguments" } };
        const id = `F${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
        files.set(id, { id, name: String(p.filename), mimetype: "application/octet-stream", bytes: new Uint8Array() });
        return { body: { ok: true, upload_url: `${origin}/upload/v1/${id}`, file_id: id } };
      }
      case "files.completeUploadExternal": {
        const list = Array.isArray(p.files) ? (p.files as { id: string; title?: string }[]) : [];
        if (list.length === 0 || list.some((each) => !files.has(each.id))) return { body: { ok: false, error: "invalid_arguments" } };
        for (const each of list) {
          const file = files.get(each.id)!;
          file.channel = typeof p.channel_id === "string" ? p.channel_id : undefined;
          file.threadTs = typeof p.thread_ts === "string" ? p.thread_ts : undefined;
          file.initialComment = typeof p.initial_comment === "string" ? p.initial_comment : undefined;
        }
        return { body: { ok: true, files: list.map((each) => ({ id: each.id, title: each.title ?? files.get(each.id)!.name })) } };
      }
      default:
        return { body: { ok: false, error: "unknown_method" } };
    }
  };

  const http = await startHttpFake<SlackApiCall>({
    async describe(base, rawBody) {
      const path = base.path.split("?")[0]!;
      const method = path.startsWith("/api/") ? path.slice("/api/".length) : path.startsWith("/upload/") ? "upload" : path.startsWith("/files-pri/") ? "file" : path;
      const authorization = base.headers.authorization;
      const token = authorization?.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : undefined;
      return { ...base, method, params: method.includes(".") ? paramsOf(base.headers, rawBody) : {}, token, rawBody };
    },
    async respond(call, exchange) {
      if (call.method === "upload") {
        const file = files.get(call.path.split("/").at(-1)!.split("?")[0]!);
        if (!file) return sendJson(exchange, 404, { ok: false });
        file.bytes = new Uint8Array(call.rawBody);
        exchange.response.writeHead(200, { "content-type": "text/plain" }).end(`OK - ${call.rawBody.length}`);
        return;
      }
      if (call.method === "file") {
        if (call.token !== botToken) {
          exchange.response.writeHead(302, { location: `${origin}/?redir=${encodeURIComponent(call.path)}`, "content-type": "text/html" }).end("<html>login</html>");
          return;
        }
        const id = /\/files-pri\/[^/-]+-([^/]+)\//.exec(call.path)?.[1];
        const file = id ? files.get(id) : undefined;
        if (!file) return sendJson(exchange, 404, { ok: false });
        exchange.response.writeHead(200, { "content-type": file.mimetype, "content-length": file.bytes.length }).end(file.bytes);
        return;
      }
      const hangsLeft = hangs.get(call.method) ?? 0;
      if (hangsLeft > 0) {
        hangs.set(call.method, hangsLeft - 1);
        await new Promise<void>((resolve) => exchange.signal.addEventListener("abort", () => resolve(), { once: true }));
        return;
      }
      const delayMs = delays.get(call.method)?.shift();
      if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const answer = api(call);
      return sendJson(exchange, answer.status ?? 200, answer.body, answer.headers);
    },
  });
  origin = http.origin;

  return {
    origin,
    /** For `SLACK_API_URL`. */
    apiUrl: `${origin}/api/`,
    botToken,
    appToken,
    botUserId,
    botId,
    teamId,
    requests: http.requests,
    socket,
    messages,
    files,
    /** Calls of one Web API method, in order. */
    calls: (method: string) => http.requests.filter((request) => request.method === method),
    /** A message someone sent that reaches the channel's history but no socket (it was down). */
    sayWhileAway(payload: unknown) {
      recordEvent(payload);
    },
    /** A file someone shared: its `files[]` entry for an event (url_private on this fake). */
    addFile(file: { name: string; mimetype: string; bytes: Uint8Array; subtype?: string }) {
      const id = `F${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
      const stored: StoredFile = { id, ...file };
      files.set(id, stored);
      return fileObject(stored);
    },
    /** The language Slack reports for a user (`users.info` with `include_locale`); `en-US` otherwise. */
    setLocale(user: string, locale: string) {
      locales.set(user, locale);
    },
    /** The next calls of `method` get 429 with these `Retry-After` seconds, one per call. */
    rateLimit(method: string, ...retryAfterSec: number[]) {
      rateLimits.set(method, [...(rateLimits.get(method) ?? []), ...retryAfterSec]);
    },
    /** The next calls of `method` fail with these HTTP statuses (e.g. 503), one per call. */
    failNext(method: string, ...statuses: number[]) {
      failures.set(method, [...(failures.get(method) ?? []), ...statuses]);
    },
    /** The next calls of `method` are answered after these delays (ms), one per call. */
    delayNext(method: string, ...delayMs: number[]) {
      delays.set(method, [...(delays.get(method) ?? []), ...delayMs]);
    },
    /** The next `times` calls of `method` are accepted and never answered. */
    hangNext(method: string, times = 1) {
      hangs.set(method, (hangs.get(method) ?? 0) + times);
    },
    waitFor: http.waitFor,
    async close() {
      await socket.close();
      await http.close();
    },
  };
}

export type FakeSlack = Awaited<ReturnType<typeof startFakeSlack>>;
