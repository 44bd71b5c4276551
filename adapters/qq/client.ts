import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";

/**
 * A small client for the QQ bot OpenAPI on fetch + zod: the app access token (fetched from
 * QQ_TOKEN_URL with appId + clientSecret, refreshed a minute before it expires, and at once after a
 * 401), sent as `Authorization: QQBot <token>`; one method per call Pincer makes.
 */

/** An OpenAPI answer with an error `code` (and usually an HTTP error status). */
export class QqApiError extends Error {
  readonly status: number;
  readonly code: number;
  constructor(operation: string, status: number, code: number, detail: string) {
    super(`${operation}: HTTP ${status}, code ${code}${detail ? ` (${detail})` : ""}`);
    this.name = "QqApiError";
    this.status = status;
    this.code = code;
  }
}

/**
 * Codes by which QQ refuses a passive reply because of its window (send.md, openapi/error/error.md):
 * 22009 msg limit exceed (the replies per message are used up), 304027 MSG_EXPIRE (the message is too
 * old to reply to), 304022 PUSH_TIME.
 */
export const windowRefusalCodes: ReadonlySet<number> = new Set([22009, 304022, 304027]);

/**
 * QQ's answer to a repeated msg_id + msg_seq ("消息被去重"; send.md: "the same msg_id + msg_seq is refused"; the
 * code is not on the error page and is taken from what QQ answers, as open-source adapters report): the reply
 * went out on an earlier attempt whose answer was lost.
 */
export const duplicateReplyCode = 40054005;

const tokenSchema = z.object({
  access_token: z.string().min(1),
  // A string of seconds in practice ("7200"); a number is taken too.
  expires_in: z.union([z.string(), z.number()]).transform(Number).pipe(z.number().int().positive()),
});

const errorSchema = z.object({ code: z.number().optional(), message: z.string().optional(), err_code: z.number().optional() }).loose();
export const sentSchema = z.object({ id: z.string().optional(), timestamp: z.union([z.string(), z.number()]).optional() }).loose();
export const uploadSchema = z.object({ file_uuid: z.string().optional(), file_info: z.string().min(1), ttl: z.number().optional() }).loose();
export const meSchema = z.object({ id: z.string(), username: z.string().optional() }).loose();
export const gatewaySchema = z.object({ url: z.string().min(1) }).loose();

export interface QqClientOptions {
  appId: string;
  appSecret: string;
  apiBase: string;
  tokenUrl: string;
  fetch?: typeof fetch;
  now?: () => number;
  timeoutMs?: number;
}

/** A token is renewed this long before QQ says it expires. */
const refreshMarginMs = 60_000;

export function createQqClient(options: QqClientOptions) {
  const fetchImpl = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const base = options.apiBase.replace(/\/+$/, "");
  let cached: { token: string; expiresAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const fetchToken = async (): Promise<string> => {
    const response = await fetchImpl(options.tokenUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ appId: options.appId, clientSecret: options.appSecret }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body: unknown = await response.json().catch(() => undefined);
    const parsed = tokenSchema.safeParse(body);
    if (!response.ok || !parsed.success) {
      const detail = errorSchema.safeParse(body);
      throw new BridgeError("unauthorized", `QQ refused the access token (HTTP ${response.status}${detail.success && detail.data.message ? `: ${detail.data.message}` : ""}); check QQ_APP_ID and QQ_APP_SECRET`);
    }
    cached = { token: parsed.data.access_token, expiresAt: now() + parsed.data.expires_in * 1000 };
    return cached.token;
  };

  /** The current token, fetched again when it is about to expire (one fetch at a time). */
  const accessToken = async (): Promise<string> => {
    if (cached && now() < cached.expiresAt - refreshMarginMs) return cached.token;
    pending ??= fetchToken().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  const call = async <T>(operation: string, method: "GET" | "POST" | "PUT", path: string, schema: z.ZodType<T>, body?: unknown, isRetry = false): Promise<T> => {
    const token = await accessToken();
    let response: Response;
    try {
      response = await fetchImpl(`${base}${path}`, {
        method,
        headers: { authorization: `QQBot ${token}`, "x-union-appid": options.appId, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new BridgeError("upstream", `${operation}: QQ could not be reached`, { cause: error });
    }
    const answer: unknown = response.status === 204 ? {} : await response.json().catch(() => undefined);
    if (response.status === 401 && !isRetry) {
      // The token was revoked or expired early: fetch a new one once.
      cached = undefined;
      return call(operation, method, path, schema, body, true);
    }
    const error = errorSchema.safeParse(answer);
    const code = error.success ? (error.data.code ?? error.data.err_code ?? 0) : 0;
    if (!response.ok || code !== 0) {
      if (response.status === 429) throw new BridgeError("rate-limited", `${operation}: QQ asks to slow down`, { retryAfterMs: 1000 });
      throw new QqApiError(operation, response.status, code, error.success ? (error.data.message ?? "") : "");
    }
    const parsed = schema.safeParse(answer);
    if (!parsed.success) throw new BridgeError("upstream", `${operation}: unexpected answer from QQ`);
    return parsed.data;
  };

  return {
    accessToken,
    /** POST to a message endpoint (`/v2/users/{openid}/messages`, `/v2/groups/{group_openid}/messages`, `/channels/{id}/messages`, `/dms/{guild_id}/messages`). */
    sendMessage: (path: string, body: Record<string, unknown>) => call("send message", "POST", path, sentSchema, body),
    /** POST to `/v2/users/{openid}/files` or `/v2/groups/{group_openid}/files`: rich media for a later msg_type 7. */
    uploadMedia: (path: string, body: Record<string, unknown>) => call("upload media", "POST", path, uploadSchema, body),
    me: () => call("get the bot", "GET", "/users/@me", meSchema),
    gateway: () => call("get the gateway", "GET", "/gateway", gatewaySchema),
    /** `PUT /interactions/{id}` `{code: 0}`: a button press was received (msg-btn.md), so QQ's client stops waiting. */
    acknowledgeInteraction: (id: string) => call("acknowledge a button press", "PUT", `/interactions/${encodeURIComponent(id)}`, z.unknown(), { code: 0 }),
  };
}

export type QqClient = ReturnType<typeof createQqClient>;
