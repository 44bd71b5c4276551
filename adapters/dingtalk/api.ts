import { z } from "zod";
import { BridgeError } from "../../core/types/errors.ts";

/**
 * DingTalk's OpenAPI (`api.dingtalk.com`): an app access token from the AppKey and AppSecret, cached
 * until shortly before it expires, sent as `x-acs-dingtalk-access-token`. A call whose token is refused
 * drops it and is tried once more with a fresh one; throttling becomes a retryable `rate-limited`.
 */

const tokenSchema = z.object({ accessToken: z.string().min(1), expireIn: z.number().int().positive() });
const errorSchema = z.object({ code: z.string().optional(), message: z.string().optional() }).passthrough();

/** A token is renewed this long before DingTalk says it expires (the official SDKs keep five minutes). */
const renewBeforeMs = 5 * 60_000;
/** DingTalk does not send Retry-After on throttling: one second, then the outbox's back-off. */
const defaultRetryAfterMs = 1000;

export interface ApiSettings {
  clientId: string;
  clientSecret: string;
  apiBase: string;
}

export interface DingtalkApiOptions {
  now?: () => number;
  /** Every call gives up after this (then a retryable `timeout`). Default 30 s. */
  callTimeoutMs?: number;
  fetch?: typeof fetch;
}

const isThrottled = (status: number, code: string | undefined) => status === 429 || /throttl|qpslimit|ratelimit/i.test(code ?? "");
const isTokenRefused = (status: number, code: string | undefined) => status === 401 || /invalidauthentication|accesstoken/i.test(code ?? "");

/** An error for a failed call, with DingTalk's code and message (never a token or secret). */
export function callError(what: string, status: number, body: unknown, retryAfter: string | null): BridgeError {
  const parsed = errorSchema.safeParse(body);
  const code = parsed.success ? parsed.data.code : undefined;
  const detail = `${what} answered ${status}${code ? ` ${code}` : ""}${parsed.success && parsed.data.message ? `: ${parsed.data.message}` : ""}`;
  if (isThrottled(status, code)) {
    const seconds = Number(retryAfter);
    const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : defaultRetryAfterMs;
    return new BridgeError("rate-limited", `DingTalk is throttling the robot (${detail})`, { retryAfterMs });
  }
  if (isTokenRefused(status, code) || status === 403) return new BridgeError("unauthorized", `DingTalk refused the app (${detail})`);
  if (status >= 400 && status < 500) return new BridgeError("bad-input", `DingTalk refused the request (${detail})`);
  return new BridgeError("upstream", `DingTalk failed (${detail})`);
}

export function createDingtalkApi(settings: ApiSettings, options: DingtalkApiOptions = {}) {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.callTimeoutMs ?? 30_000;
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<string> | undefined;

  const request = async (url: string, init: RequestInit, what: string): Promise<Response> => {
    try {
      return await doFetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      const isTimeout = error instanceof Error && error.name === "TimeoutError";
      throw new BridgeError(isTimeout ? "timeout" : "upstream", `${what}: DingTalk could not be reached`, { cause: error });
    }
  };

  const readJson = async (response: Response): Promise<unknown> => {
    const text = await response.text();
    if (!text) return {};
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return { message: text.slice(0, 200) };
    }
  };

  const fetchToken = async (): Promise<string> => {
    const response = await request(
      `${settings.apiBase}/v1.0/oauth2/accessToken`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ appKey: settings.clientId, appSecret: settings.clientSecret }) },
      "accessToken",
    );
    const body = await readJson(response);
    if (!response.ok) {
      const error = callError("accessToken", response.status, body, response.headers.get("retry-after"));
      throw error.code === "bad-input" || error.code === "unauthorized"
        ? new BridgeError("unauthorized", `${error.message}; check DINGTALK_CLIENT_ID and DINGTALK_CLIENT_SECRET`)
        : error;
    }
    const parsed = tokenSchema.safeParse(body);
    if (!parsed.success) throw new BridgeError("upstream", "DingTalk's accessToken answer has no accessToken/expireIn");
    cached = { token: parsed.data.accessToken, renewAt: now() + Math.max(0, parsed.data.expireIn * 1000 - renewBeforeMs) };
    return parsed.data.accessToken;
  };

  /** The cached token while it is fresh; one request for a new one however many calls wait for it. */
  const token = async (): Promise<string> => {
    if (cached && now() < cached.renewAt) return cached.token;
    pending ??= fetchToken().finally(() => (pending = undefined));
    return pending;
  };

  /** An OpenAPI call: JSON in, JSON out; a refused token is dropped and the call made once more. */
  const call = async <T = unknown>(method: "POST" | "PUT" | "GET", path: string, body?: unknown): Promise<T> => {
    for (let attempt = 0; ; attempt += 1) {
      const accessToken = await token();
      const response = await request(
        `${settings.apiBase}${path}`,
        {
          method,
          headers: { "content-type": "application/json", "x-acs-dingtalk-access-token": accessToken },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        },
        path,
      );
      const answer = await readJson(response);
      if (response.ok) return answer as T;
      const code = errorSchema.safeParse(answer).data?.code;
      if (attempt === 0 && isTokenRefused(response.status, code)) {
        if (cached?.token === accessToken) cached = undefined;
        continue;
      }
      throw callError(path, response.status, answer, response.headers.get("retry-after"));
    }
  };

  /** A POST to a message's session webhook (no token: the URL is the credential), DingTalk's `errcode` checked. */
  const postWebhook = async (url: string, body: unknown): Promise<void> => {
    const response = await request(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, "sessionWebhook");
    const answer = (await readJson(response)) as { errcode?: number; errmsg?: string };
    if (!response.ok) throw callError("sessionWebhook", response.status, answer, response.headers.get("retry-after"));
    // 130101: sending too fast (the robot's 20 messages a minute per chat).
    if (answer.errcode === 130101) throw new BridgeError("rate-limited", `DingTalk is throttling the robot (${answer.errmsg ?? "130101"})`, { retryAfterMs: defaultRetryAfterMs });
    if (answer.errcode !== undefined && answer.errcode !== 0) throw new BridgeError("upstream", `sessionWebhook answered errcode ${answer.errcode}: ${answer.errmsg ?? ""}`);
  };

  return { token, call, postWebhook, request };
}

export type DingtalkApi = ReturnType<typeof createDingtalkApi>;
