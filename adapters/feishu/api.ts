import { Client, Domain, LoggerLevel, defaultHttpInstance } from "@larksuiteoapi/node-sdk";
import type { FeishuConfig } from "../../core/config-platforms.ts";
import { BridgeError, type BridgeErrorCode } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";

/** Feishu's answers for a tenant token it no longer accepts (expired, revoked, malformed). */
export const invalidTokenCodes: ReadonlySet<number> = new Set([99991661, 99991663, 99991668]);
/** "Too many requests" (with HTTP 429 or 400). */
export const rateLimitCode = 99991400;
/**
 * "The message is being sent" (HTTP 400): another request with the same `uuid` is still in flight. Worth a retry (it
 * then answers with that message), never the plain-text fallback of a refused card, which would send it twice.
 */
export const sendingCode = 230049;

/** `feishu` → open.feishu.cn, `lark` → open.larksuite.com, anything else is a base URL (tests: a fake). */
export function sdkDomain(domain: string): Domain | string {
  if (domain === "feishu") return Domain.Feishu;
  if (domain === "lark") return Domain.Lark;
  return domain.replace(/\/+$/, "");
}

/**
 * A token cache of this client alone. The SDK's default cache is one per process, keyed by app id,
 * so two clients of the same app would share a token. The SDK stores the tenant token until three
 * minutes before the `expire` Feishu gave, then asks for a new one: that is the refresh. `clear()`
 * drops it when Feishu refuses a token early.
 */
export function createTokenCache() {
  const values = new Map<string, { value: unknown; expiresAt: number | undefined }>();
  const keyOf = (key: { toString(): string }, namespace?: string) => `${namespace ?? ""}/${key.toString()}`;
  return {
    async set(key: { toString(): string }, value: unknown, expiresAt?: number, options?: { namespace?: string }) {
      values.set(keyOf(key, options?.namespace), { value, expiresAt });
      return true;
    },
    async get(key: { toString(): string }, options?: { namespace?: string }) {
      const entry = values.get(keyOf(key, options?.namespace));
      if (!entry) return undefined;
      if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) return undefined;
      return entry.value;
    },
    clear() {
      values.clear();
    },
  };
}
export type TokenCache = ReturnType<typeof createTokenCache>;

/** The SDK's log lines, through our logger: only strings and error messages (its objects can hold request headers). */
export function sdkLogger(logger: Logger) {
  const line = (parts: unknown[]) =>
    parts.map((part) => (typeof part === "string" ? part : part instanceof Error ? part.message : Array.isArray(part) ? "[details]" : typeof part === "object" ? "[details]" : String(part))).join(" ");
  return {
    error: (...parts: unknown[]) => logger.warn({ sdk: "lark" }, line(parts)),
    warn: (...parts: unknown[]) => logger.warn({ sdk: "lark" }, line(parts)),
    info: (...parts: unknown[]) => logger.debug({ sdk: "lark" }, line(parts)),
    debug: (...parts: unknown[]) => logger.debug({ sdk: "lark" }, line(parts)),
    trace: () => {},
  };
}

type HttpInstance = NonNullable<ConstructorParameters<typeof Client>[0]["httpInstance"]>;

/**
 * The SDK's shared axios instance with a deadline on every request that sets none (axios' own `timeout`:
 * no byte for this long). The shared instance itself is left as it is: other clients in the process use it.
 */
export function httpWithTimeout(timeoutMs: number): HttpInstance {
  const base = defaultHttpInstance as unknown as HttpInstance;
  const timed = <O extends { timeout?: number }>(options: O | undefined) => ({ ...options, timeout: options?.timeout ?? timeoutMs }) as O;
  return {
    request: (options) => base.request(timed(options)),
    get: (url, options) => base.get(url, timed(options)),
    delete: (url, options) => base.delete(url, timed(options)),
    head: (url, options) => base.head(url, timed(options)),
    options: (url, options) => base.options(url, timed(options)),
    post: (url, data, options) => base.post(url, data, timed(options)),
    put: (url, data, options) => base.put(url, data, timed(options)),
    patch: (url, data, options) => base.patch(url, data, timed(options)),
  };
}

export function createClient(settings: FeishuConfig, cache: TokenCache, logger: Logger, callTimeoutMs = 30_000): Client {
  return new Client({
    httpInstance: httpWithTimeout(callTimeoutMs),
    appId: settings.appId,
    appSecret: settings.appSecret,
    domain: sdkDomain(settings.domain),
    cache,
    logger: sdkLogger(logger),
    loggerLevel: LoggerLevel.warn,
  });
}

interface FeishuFailure {
  httpStatus: number | undefined;
  feishuCode: number | undefined;
  message: string;
  retryAfterMs: number | undefined;
  /** No answer within the call timeout (axios cut the request off). */
  isTimeout?: boolean;
}

function headerNumber(headers: unknown, name: string): number | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const raw = (headers as Record<string, unknown>)[name];
  const value = Number(Array.isArray(raw) ? raw[0] : raw);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** What went wrong in a call, read from an axios error or from a `{code, msg}` body. */
export function describeFailure(thrown: unknown): FeishuFailure {
  const error = thrown as { response?: { status?: number; data?: unknown; headers?: unknown }; message?: string; code?: unknown };
  const data = error?.response?.data as { code?: unknown; msg?: unknown } | undefined;
  const headers = error?.response?.headers;
  const resetSec = headerNumber(headers, "x-ogw-ratelimit-reset") ?? headerNumber(headers, "retry-after");
  return {
    httpStatus: error?.response?.status,
    feishuCode: typeof data?.code === "number" ? data.code : undefined,
    message: typeof data?.msg === "string" ? data.msg : (error?.message ?? String(thrown)),
    retryAfterMs: resetSec === undefined ? undefined : resetSec * 1000,
    isTimeout: !error?.response && (error?.code === "ECONNABORTED" || error?.code === "ETIMEDOUT") && /timeout/i.test(error?.message ?? ""),
  };
}

/** A Feishu failure as our one error type; the Feishu code stays readable in the cause. */
export function toFeishuError(what: string, failure: FeishuFailure): BridgeError {
  const { httpStatus, feishuCode } = failure;
  const detail = `${what} failed${feishuCode !== undefined ? ` (code ${feishuCode})` : ""}${httpStatus ? ` [HTTP ${httpStatus}]` : ""}: ${failure.message}`;
  if (failure.isTimeout) return new BridgeError("timeout", detail, { cause: failure });
  if (httpStatus === 429 || feishuCode === rateLimitCode) {
    return new BridgeError("rate-limited", detail, { cause: failure, retryAfterMs: failure.retryAfterMs ?? 1000 });
  }
  let code: BridgeErrorCode = "upstream";
  if (feishuCode === sendingCode) code = "upstream";
  else if (feishuCode !== undefined && invalidTokenCodes.has(feishuCode)) code = "unauthorized";
  else if (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500) code = "bad-input";
  else if (httpStatus === undefined && feishuCode !== undefined) code = "bad-input";
  return new BridgeError(code, detail, { cause: failure });
}

/** The Feishu code of an error thrown by `call`, if Feishu gave one. */
export function feishuCodeOf(error: unknown): number | undefined {
  const cause = (error as { cause?: unknown })?.cause as Partial<FeishuFailure> | undefined;
  return typeof cause?.feishuCode === "number" ? cause.feishuCode : undefined;
}

export interface FeishuCall {
  /**
   * Runs one API call. A `{code != 0}` body or an HTTP error becomes a BridgeError; a refused tenant
   * token drops the cached one and the call is tried once more with a fresh token.
   */
  <T>(what: string, work: () => Promise<T>): Promise<T>;
}

export function createCall(cache: TokenCache, logger: Logger): FeishuCall {
  const once = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await work();
    } catch (thrown) {
      throw toFeishuError(what, describeFailure(thrown));
    }
    const body = result as { code?: unknown; msg?: unknown } | null;
    if (body && typeof body === "object" && typeof body.code === "number" && body.code !== 0) {
      throw toFeishuError(what, { httpStatus: undefined, feishuCode: body.code, message: String(body.msg ?? ""), retryAfterMs: undefined });
    }
    return result;
  };
  return async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await once(what, work);
    } catch (error) {
      const code = feishuCodeOf(error);
      if (code === undefined || !invalidTokenCodes.has(code)) throw error;
      logger.info({ feishuCode: code }, "Feishu refused the tenant token; fetching a new one");
      cache.clear();
      return once(what, work);
    }
  };
}

/** The bot's own open_id and name (bot/v3/info): mentions of this open_id address the bot. */
export async function fetchBotInfo(client: Client, call: FeishuCall): Promise<{ openId: string; name: string }> {
  const body = await call("bot/v3/info", () => client.request({ method: "GET", url: "/open-apis/bot/v3/info" }));
  const bot = (body as { bot?: { open_id?: unknown; app_name?: unknown } } | null)?.bot;
  if (typeof bot?.open_id !== "string") throw new BridgeError("upstream", "bot/v3/info returned no open_id (is the bot capability enabled?)");
  return { openId: bot.open_id, name: typeof bot.app_name === "string" ? bot.app_name : "" };
}
