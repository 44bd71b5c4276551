import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createEchoLedger, type EchoLedger } from "./echo-ledger.ts";
import { listenLocally } from "./listen.ts";

/**
 * A minimal Telegram Bot API for the load client: just the calls a bot answering text makes, and
 * fast. (The thorough fake, with HTML checks, polling and errors, is `test/fakes/telegram-bot-api.ts`.)
 */
export interface BenchBotApi {
  /** The apiRoot to give the bot: `http://127.0.0.1:<port>`. */
  url: string;
  /** `onEchoes(ids, at)` for every sendMessage or edit: the text's lines it did not carry before. */
  listen(onEchoes: ((ids: string[], at: number) => void) | undefined): void;
  ledger: EchoLedger;
  close(): Promise<void>;
}

const bot = { id: 8000000099, is_bot: true, first_name: "Pincer Bench", username: "pincer_bench_bot" };

/** The lines a reader sees: tags dropped (the bot may send HTML), blank lines skipped. */
const echoLines = (text: unknown) =>
  String(text ?? "")
    .replace(/<[^>]*>/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);

/** JSON or form-encoded parameters; an empty object for anything else. */
function parseParams(request: IncomingMessage, body: string): Record<string, unknown> {
  const type = request.headers["content-type"] ?? "";
  try {
    if (type.includes("json")) return (JSON.parse(body || "{}") as Record<string, unknown>) ?? {};
    if (type.includes("x-www-form-urlencoded")) return Object.fromEntries(new URLSearchParams(body));
  } catch {
    // Answered as a call without parameters.
  }
  return {};
}

export async function startBenchBotApi(token: string): Promise<BenchBotApi> {
  const ledger = createEchoLedger();
  /** Lines of each message the bot sent, by `chatId:messageId`. */
  const sentLines = new Map<string, Set<string>>();
  let lastMessageId = 0;
  let onEchoes: ((ids: string[], at: number) => void) | undefined;

  const reply = (response: ServerResponse, status: number, body: unknown) => {
    const json = JSON.stringify(body);
    response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
    response.end(json);
  };
  const ok = (response: ServerResponse, result: unknown) => reply(response, 200, { ok: true, result });

  /** Records the text of message `key`; the lines it newly carries are echoes. */
  const record = (key: string, text: unknown, at: number) => {
    const seen = sentLines.get(key) ?? new Set<string>();
    sentLines.set(key, seen);
    const added = echoLines(text).filter((line) => !seen.has(line));
    for (const line of added) {
      seen.add(line);
      ledger.count(line);
    }
    onEchoes?.(added, at);
  };

  const messageResult = (chatId: number, messageId: number, text: unknown) => ({
    message_id: messageId,
    chat: { id: chatId, type: "private" },
    date: Math.floor(Date.now() / 1000),
    text: String(text ?? ""),
  });

  const handle = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const at = performance.now();
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? "");
    if (request.method !== "POST" || !match) return reply(response, 404, { ok: false, error_code: 404, description: "Not Found" });
    if (match[1] !== token) return reply(response, 401, { ok: false, error_code: 401, description: "Unauthorized" });
    const params = parseParams(request, body);
    const chatId = Number(params.chat_id);
    switch (match[2]) {
      case "getMe":
        return ok(response, bot);
      case "setWebhook":
      case "deleteWebhook":
      case "sendChatAction":
        return ok(response, true);
      case "sendMessage": {
        lastMessageId += 1;
        record(`${chatId}:${lastMessageId}`, params.text, at);
        return ok(response, messageResult(chatId, lastMessageId, params.text));
      }
      case "editMessageText": {
        const key = `${chatId}:${Number(params.message_id)}`;
        if (!sentLines.has(key)) return reply(response, 400, { ok: false, error_code: 400, description: "Bad Request: message to edit not found" });
        record(key, params.text, at);
        return ok(response, messageResult(chatId, Number(params.message_id), params.text));
      }
      default:
        return reply(response, 404, { ok: false, error_code: 404, description: "Not Found: method not found" });
    }
  };

  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => handle(request, response, body));
  });
  const listening = await listenLocally(server);

  return {
    url: listening.url.replace(/\/$/, ""),
    listen(listener) {
      onEchoes = listener;
    },
    ledger,
    close: () => listening.stop(),
  };
}
