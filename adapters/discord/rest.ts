import { BridgeError, toBridgeError } from "../../core/types/errors.ts";

/** A file sent with a message (multipart `files[n]`, described in `attachments`). */
export interface UploadFile {
  name: string;
  bytes: Uint8Array;
  mimeType: string;
  /** More of the attachment's description (a voice message's `duration_secs` and `waveform`). */
  details?: Record<string, unknown>;
}

export interface RequestOptions {
  body?: Record<string, unknown> | unknown[];
  files?: readonly UploadFile[];
  /** Interaction webhooks and callbacks are authorized by their token in the path, not the bot token. */
  isTokenless?: boolean;
}

export interface DiscordRest {
  request<T = unknown>(method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE", path: string, options?: RequestOptions): Promise<T>;
}

/** What Discord said when it refused a call: the HTTP status and its JSON error code (`10003`, `160004`…). */
export interface DiscordApiFailure {
  status: number;
  code: number | undefined;
  message: string;
}

export const discordFailureOf = (error: unknown): DiscordApiFailure | undefined => {
  const cause = error instanceof BridgeError ? error.cause : undefined;
  return cause && typeof cause === "object" && "status" in cause ? (cause as DiscordApiFailure) : undefined;
};

/** A route without the ids and tokens in it, for error messages and logs (an interaction token is a credential). */
const routeOf = (path: string) => path.replace(/\/[A-Za-z0-9_.-]{60,}/g, "/:token").replace(/\d{15,}/g, ":id");

/**
 * Discord's HTTP API with fetch: `Authorization: Bot <token>`, JSON or multipart bodies. Nothing is retried
 * here: a 429 becomes a "rate-limited" BridgeError with Discord's `retry_after` (global or per route), so the
 * outbox waits and sends again; 5xx and network errors are "upstream" (retried), 4xx are final.
 */
export function createDiscordRest(options: { apiBase: string; botToken: string; callTimeoutMs?: number }): DiscordRest {
  const callTimeoutMs = options.callTimeoutMs ?? 30_000;
  return {
    async request<T>(method: string, path: string, request: RequestOptions = {}): Promise<T> {
      const route = `${method} ${routeOf(path)}`;
      const headers: Record<string, string> = { "User-Agent": "DiscordBot (https://github.com/pincer, 1)" };
      if (!request.isTokenless) headers.Authorization = `Bot ${options.botToken}`;
      let body: FormData | string | undefined;
      if (request.files?.length) {
        const form = new FormData();
        const attachments = request.files.map((file, index) => ({ id: index, filename: file.name, ...file.details }));
        form.append("payload_json", JSON.stringify({ ...(request.body ?? {}), attachments }));
        request.files.forEach((file, index) => form.append(`files[${index}]`, new Blob([file.bytes], { type: file.mimeType }), file.name));
        body = form;
      } else if (request.body !== undefined) {
        headers["Content-Type"] = "application/json";
        body = JSON.stringify(request.body);
      }
      let response: Response;
      try {
        response = await fetch(`${options.apiBase}${path}`, { method, headers, body, signal: AbortSignal.timeout(callTimeoutMs) });
      } catch (thrown) {
        const error = toBridgeError(thrown, "upstream");
        if (thrown instanceof Error && thrown.name === "TimeoutError") throw new BridgeError("timeout", `Discord did not answer ${route} in time.`, { cause: thrown });
        throw new BridgeError("upstream", `Discord could not be reached for ${route}: ${error.message}`, { cause: thrown });
      }
      const text = await response.text();
      const json = text ? safeJson(text) : undefined;
      if (response.ok) return json as T;
      const detail = (json ?? {}) as { code?: unknown; message?: unknown; retry_after?: unknown; global?: unknown };
      const failure: DiscordApiFailure = {
        status: response.status,
        code: typeof detail.code === "number" ? detail.code : undefined,
        message: typeof detail.message === "string" ? detail.message : text.slice(0, 200),
      };
      const said = `Discord ${route}: ${response.status}${failure.code !== undefined ? ` ${failure.code}` : ""} ${failure.message}`.trim();
      if (response.status === 429) {
        const retryAfterSec = typeof detail.retry_after === "number" ? detail.retry_after : Number(response.headers.get("retry-after") ?? 1);
        const scope = detail.global === true ? "globally" : "on this route";
        throw new BridgeError("rate-limited", `Discord is rate-limiting ${scope}; retrying in ${retryAfterSec} s.`, {
          cause: failure,
          retryAfterMs: Math.max(1, Math.ceil(retryAfterSec * 1000)),
        });
      }
      if (response.status === 401) throw new BridgeError("unauthorized", `${said} (is DISCORD_BOT_TOKEN right?)`, { cause: failure });
      if (response.status === 403) throw new BridgeError("unauthorized", said, { cause: failure });
      if (response.status >= 500) throw new BridgeError("upstream", said, { cause: failure });
      throw new BridgeError("bad-input", said, { cause: failure });
    },
  } as DiscordRest;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
