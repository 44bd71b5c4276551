import { parseJson, pause, sendJson, startHttpFake, type Exchange, type RecordedBase } from "./http-fake.ts";

/**
 * A fake Telegram Bot API server (https://core.telegram.org/bots/api) for telegraf pointed at it with
 * `apiRoot`: `POST /bot<token>/<method>` with JSON or multipart bodies, answers `{ok, result}` or
 * `{ok:false, error_code, description, parameters}`, and `GET /file/bot<token>/<path>` for downloads.
 * `getUpdates` is a held long poll that forgets updates only when a later call confirms them with `offset`.
 */

export interface UploadedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

export type BotApiCall = RecordedBase & {
  /** The Bot API method, or `download` for a file download. */
  apiMethod: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
};

export interface ApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface FakeMessage {
  chatId: number;
  messageId: number;
  text: string | undefined;
  parseMode: string | undefined;
  /** Every text the message had, first the sent one, then each edit. */
  history: string[];
  method: string;
  params: Record<string, unknown>;
  files: Record<string, UploadedFile>;
}

export interface BotIdentity {
  id: number;
  username: string;
  first_name: string;
}

export interface FakeBotApi {
  /** The apiRoot to give telegraf: `http://127.0.0.1:<port>`. */
  url: string;
  token: string;
  bot: BotIdentity;
  calls: BotApiCall[];
  /** Messages the bot sent, in order. */
  sent: FakeMessage[];
  /** Queues an update for getUpdates (update_id assigned when missing); returns it. */
  push(update: Record<string, unknown>): Record<string, unknown>;
  /** The next `times` calls of `method` fail with `error`. */
  failNext(method: string, error: ApiError, times?: number): void;
  /** The next `times` calls of `method` are accepted and never answered (a silent connection). */
  hangNext(method: string, times?: number): void;
  /** Stores a file for getFile and the download route; returns its file_id. */
  addFile(bytes: Uint8Array, filePath: string): string;
  /** getUpdates requests after the next batch that delivers updates are held without effect (a client that died before it confirmed). */
  freezeAfterNextDelivery(): void;
  unfreeze(): void;
  /** The webhook last set (setWebhook), if any. */
  webhook(): { url: string; secretToken: string | undefined } | undefined;
  callsOf(method: string): BotApiCall[];
  /** Sent messages of one chat, as their current text. */
  textsIn(chatId: number): string[];
  waitFor(predicate: (calls: BotApiCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  /** getUpdates refused with 409 because another poll was waiting (only with `conflictOnConcurrentPolls`). */
  conflicts(): number;
}

const allowedTags = new Set(["b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a", "blockquote", "tg-spoiler", "span", "tg-emoji"]);

/** What Telegram's HTML parser would say about `html`: undefined when fine, else the error text. */
export function checkTelegramHtml(html: string): string | undefined {
  const stack: string[] = [];
  const tagPattern = /<(\/?)([a-z-]+)([^>]*)>|<|&(?!(amp|lt|gt|quot);)/g;
  for (const match of html.matchAll(tagPattern)) {
    if (match[0] === "<") return `Can't find end of the tag at byte offset ${match.index}`;
    if (match[0].startsWith("&")) return `Unsupported HTML entity at byte offset ${match.index}`;
    const [, closing, name] = match;
    if (!allowedTags.has(name!)) return `Unsupported start tag "${name}" at byte offset ${match.index}`;
    if (closing) {
      if (stack.pop() !== name) return `Can't find end tag corresponding to start tag "${name}"`;
    } else stack.push(name!);
  }
  return stack.length > 0 ? `Can't find end tag corresponding to start tag "${stack.at(-1)}"` : undefined;
}

export function visibleText(html: string): string {
  return html.replace(/<[^>]+>/g, "").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"').replaceAll("&amp;", "&");
}

async function parseParams(headers: Record<string, string>, rawBody: Buffer) {
  const type = headers["content-type"] ?? "";
  const params: Record<string, unknown> = {};
  const files: Record<string, UploadedFile> = {};
  if (type.startsWith("multipart/form-data")) {
    const form = await new Response(new Uint8Array(rawBody), { headers: { "content-type": type } }).formData();
    for (const [name, value] of form.entries()) {
      if (typeof value === "string") params[name] = parseJsonField(value);
      else files[name] = { name: value.name, type: value.type, bytes: new Uint8Array(await value.arrayBuffer()) };
    }
  } else if (rawBody.length > 0) {
    Object.assign(params, parseJson(rawBody) ?? {});
  }
  return { params, files };
}

/** Multipart fields carry JSON for objects (reply_markup) and plain strings for the rest. */
function parseJsonField(value: string): unknown {
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

type BotOptions = { token?: string; bot?: BotIdentity };

/** One bot's state on the fake server: its updates, sent messages, files, webhook and scripted failures. */
function createBotState(token: string, bot: BotIdentity, maxHoldMs: number, conflictOnConcurrentPolls = false) {
  const queue: Record<string, unknown>[] = [];
  let nextUpdateId = 1000;
  const failures = new Map<string, ApiError[]>();
  const hangs = new Map<string, number>();
  const files = new Map<string, { bytes: Uint8Array; path: string }>();
  const sent: FakeMessage[] = [];
  const messageCounters = new Map<number, number>();
  const pollWaiters = new Set<() => void>();
  let webhook: { url: string; secretToken: string | undefined } | undefined;
  let freezeState: "off" | "armed" | "frozen" = "off";
  let fileCounter = 0;
  let activePolls = 0;
  let conflicts = 0;

  const wakePollers = () => {
    for (const wake of [...pollWaiters]) wake();
  };

  const ok = (exchange: Exchange, result: unknown) => sendJson(exchange, 200, { ok: true, result });
  const fail = (exchange: Exchange, error: ApiError) => sendJson(exchange, error.error_code >= 100 && error.error_code < 600 ? error.error_code : 400, { ok: false, ...error });
  const badRequest = (exchange: Exchange, description: string) => fail(exchange, { error_code: 400, description: `Bad Request: ${description}` });

  const chatOf = (chatId: number) => ({ id: chatId, type: chatId > 0 ? "private" : "supergroup" });
  const botUser = () => ({ id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username });

  const record = (call: BotApiCall, text: string | undefined, parseMode: string | undefined): FakeMessage => {
    const chatId = Number(call.params.chat_id);
    const messageId = (messageCounters.get(chatId) ?? 0) + 1;
    messageCounters.set(chatId, messageId);
    const message: FakeMessage = { chatId, messageId, text, parseMode, history: text === undefined ? [] : [text], method: call.apiMethod, params: call.params, files: call.files };
    sent.push(message);
    return message;
  };

  const messageResult = (message: FakeMessage, extra: Record<string, unknown> = {}) => ({
    message_id: message.messageId,
    from: botUser(),
    chat: chatOf(message.chatId),
    date: Math.floor(Date.now() / 1000),
    ...(message.text !== undefined ? { text: message.parseMode === "HTML" ? visibleText(message.text) : message.text } : {}),
    ...extra,
  });

  /** Checks text as Telegram would; returns the error to answer, if any. */
  const checkText = (text: unknown, parseMode: unknown): string | undefined => {
    if (typeof text !== "string" || text.trim() === "") return "message text is empty";
    if (parseMode === "HTML") {
      const problem = checkTelegramHtml(text);
      if (problem) return `can't parse entities: ${problem}`;
    }
    const length = parseMode === "HTML" ? visibleText(text).length : text.length;
    if (length > 4096) return "message is too long";
    return undefined;
  };

  const getUpdates = async (call: BotApiCall, exchange: Exchange) => {
    if (freezeState === "frozen") {
      // A poller that died before this request reached Telegram: nothing is confirmed.
      await pause(24 * 3600_000, exchange.signal);
      return;
    }
    const offset = typeof call.params.offset === "number" ? call.params.offset : undefined;
    if (offset !== undefined) {
      while (queue.length > 0 && (queue[0]!.update_id as number) < offset) queue.shift();
    }
    if (call.params.limit === 1 && call.params.timeout === undefined) return ok(exchange, queue.slice(0, 1));
    const holdMs = Math.min(maxHoldMs, Number(call.params.timeout ?? 0) * 1000);
    if (queue.length === 0 && holdMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, holdMs);
        function done() {
          clearTimeout(timer);
          pollWaiters.delete(done);
          exchange.signal.removeEventListener("abort", done);
          resolve();
        }
        pollWaiters.add(done);
        exchange.signal.addEventListener("abort", done);
      });
      if (exchange.signal.aborted) return;
    }
    const batch = queue.slice(0, Number(call.params.limit ?? 100));
    if (batch.length > 0 && freezeState === "armed") freezeState = "frozen";
    return ok(exchange, batch);
  };

  const sendMedia = (call: BotApiCall, exchange: Exchange, field: string) => {
    const input = call.files[field] ?? call.params[field];
    if (input === undefined) return badRequest(exchange, `there is no ${field} in the request`);
    const caption = call.params.caption as string | undefined;
    if (caption !== undefined && call.params.parse_mode === "HTML" && checkTelegramHtml(caption)) return badRequest(exchange, "can't parse entities in caption");
    const message = record(call, undefined, undefined);
    const file = call.files[field];
    const fileId = typeof input === "string" ? input : `sent-${field}-${++fileCounter}`;
    return ok(exchange, messageResult(message, { [field]: field === "photo" ? [{ file_id: fileId, width: 1, height: 1, file_size: file?.bytes.length }] : { file_id: fileId, file_size: file?.bytes.length } }));
  };

  const respond = async (call: BotApiCall, exchange: Exchange) => {
    if (call.apiMethod === "unauthorized") return fail(exchange, { error_code: 401, description: "Unauthorized" });
    if (call.apiMethod === "download") {
      const path = decodeURIComponent(call.path.split("/").slice(3).join("/"));
      const file = [...files.values()].find((each) => each.path === path);
      if (!file) return sendJson(exchange, 404, { ok: false, error_code: 404, description: "Not Found" });
      exchange.response.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.bytes.length });
      exchange.response.end(file.bytes);
      return;
    }
    const hangsLeft = hangs.get(call.apiMethod) ?? 0;
    if (hangsLeft > 0) {
      hangs.set(call.apiMethod, hangsLeft - 1);
      await pause(24 * 3600_000, exchange.signal);
      return;
    }
    const scripted = failures.get(call.apiMethod);
    if (scripted && scripted.length > 0) return fail(exchange, scripted.shift()!);
    const { params } = call;
    switch (call.apiMethod) {
      case "getMe":
        return ok(exchange, { ...botUser(), can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false });
      case "getUpdates": {
        // As Telegram does: a second poller while one is waiting gets 409 (counted in `conflicts`).
        if (conflictOnConcurrentPolls && activePolls > 0) {
          conflicts += 1;
          return fail(exchange, { error_code: 409, description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running" });
        }
        activePolls += 1;
        try {
          return await getUpdates(call, exchange);
        } finally {
          activePolls -= 1;
        }
      }
      case "deleteWebhook":
        webhook = undefined;
        if (params.drop_pending_updates === true) queue.length = 0;
        return ok(exchange, true);
      case "setWebhook":
        webhook = { url: String(params.url), secretToken: params.secret_token as string | undefined };
        return ok(exchange, true);
      case "getWebhookInfo":
        return ok(exchange, { url: webhook?.url ?? "", has_custom_certificate: false, pending_update_count: queue.length });
      case "sendMessage": {
        const problem = checkText(params.text, params.parse_mode);
        if (problem) return badRequest(exchange, problem);
        const message = record(call, params.text as string, params.parse_mode as string | undefined);
        return ok(exchange, messageResult(message, params.reply_markup ? { reply_markup: params.reply_markup } : {}));
      }
      case "editMessageText": {
        const message = sent.find((each) => each.chatId === Number(params.chat_id) && each.messageId === Number(params.message_id));
        if (!message) return badRequest(exchange, "message to edit not found");
        const problem = checkText(params.text, params.parse_mode);
        if (problem) return badRequest(exchange, problem);
        if (message.text === params.text) {
          return badRequest(exchange, "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message");
        }
        message.text = params.text as string;
        message.parseMode = params.parse_mode as string | undefined;
        message.history.push(message.text);
        return ok(exchange, messageResult(message));
      }
      case "sendChatAction":
      case "answerCallbackQuery":
        return ok(exchange, true);
      case "getFile": {
        const file = files.get(String(params.file_id));
        if (!file) return badRequest(exchange, "invalid file_id");
        return ok(exchange, { file_id: params.file_id, file_unique_id: `u-${params.file_id}`, file_size: file.bytes.length, file_path: file.path });
      }
      case "sendPhoto":
        return sendMedia(call, exchange, "photo");
      case "sendDocument":
        return sendMedia(call, exchange, "document");
      case "sendVoice":
        return sendMedia(call, exchange, "voice");
      case "sendAudio":
        return sendMedia(call, exchange, "audio");
      default:
        return fail(exchange, { error_code: 404, description: "Not Found: method not found" });
    }
  };

  return {
    token, bot, sent, files, respond, wakePollers,
    conflicts: () => conflicts,
    push(update: Record<string, unknown>) {
      const full = { update_id: update.update_id ?? nextUpdateId++, ...update };
      queue.push(full);
      wakePollers();
      return full;
    },
    failNext(method: string, error: ApiError, times = 1) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: times }, () => error)]);
    },
    hangNext(method: string, times = 1) {
      hangs.set(method, (hangs.get(method) ?? 0) + times);
    },
    addFile(bytes: Uint8Array, filePath: string) {
      const fileId = `file-${++fileCounter}`;
      files.set(fileId, { bytes, path: filePath });
      return fileId;
    },
    freezeAfterNextDelivery() {
      freezeState = "armed";
    },
    unfreeze() {
      freezeState = "off";
    },
    webhook: () => webhook,
  };
}

/**
 * The fake server with one bot (`options.token`); `addBot` adds more on the same server, each with its own
 * state (updates, messages, webhook), as Telegram keeps per bot token.
 */
export async function startFakeBotApi(options: BotOptions & { maxHoldMs?: number; conflictOnConcurrentPolls?: boolean } = {}): Promise<FakeBotApi & { addBot(options: Required<BotOptions>): FakeBotApi }> {
  const maxHoldMs = options.maxHoldMs ?? 500;
  const bots = new Map<string, ReturnType<typeof createBotState>>();
  const first = createBotState(options.token ?? "123456:TEST-fake-token", options.bot ?? { id: 8000000001, username: "pincer_test_bot", first_name: "Pincer Test" }, maxHoldMs, options.conflictOnConcurrentPolls);
  bots.set(first.token, first);

  const fake = await startHttpFake<BotApiCall & { token: string | undefined }>({
    async describe(base, rawBody) {
      const apiMatch = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(base.path);
      const fileMatch = /^\/file\/bot([^/]+)\//.exec(base.path);
      const givenToken = apiMatch?.[1] ?? fileMatch?.[1];
      const apiMethod = givenToken === undefined || !bots.has(givenToken) ? "unauthorized" : fileMatch ? "download" : apiMatch![2]!;
      const { params, files: uploaded } = await parseParams(base.headers, rawBody);
      return { ...base, token: givenToken, apiMethod, params, files: uploaded };
    },
    respond: (call, exchange) => (bots.get(call.token ?? "") ?? first).respond(call, exchange),
  });

  const view = (state: ReturnType<typeof createBotState>): FakeBotApi => {
    const callsOfBot = (calls: readonly (BotApiCall & { token: string | undefined })[]) => calls.filter((call) => call.token === state.token || (state === first && !bots.has(call.token ?? "")));
    return {
      url: fake.origin,
      token: state.token,
      bot: state.bot,
      get calls() {
        return callsOfBot(fake.requests);
      },
      sent: state.sent,
      push: state.push,
      failNext: state.failNext,
      hangNext: state.hangNext,
      addFile: state.addFile,
      freezeAfterNextDelivery: state.freezeAfterNextDelivery,
      unfreeze: state.unfreeze,
      webhook: state.webhook,
      conflicts: state.conflicts,
      callsOf: (method) => callsOfBot(fake.requests).filter((call) => call.apiMethod === method),
      textsIn: (chatId) => state.sent.filter((message) => message.chatId === chatId && message.text !== undefined).map((message) => visibleText(message.text!)),
      waitFor: (predicate, timeoutMs) => fake.waitFor((calls) => predicate(callsOfBot(calls)), timeoutMs),
      async close() {
        for (const each of bots.values()) each.wakePollers();
        await fake.close();
      },
    };
  };

  return {
    ...view(first),
    get calls() {
      return view(first).calls;
    },
    addBot(added) {
      const state = createBotState(added.token, added.bot, maxHoldMs);
      bots.set(added.token, state);
      return view(state);
    },
  };
}
