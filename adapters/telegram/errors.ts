import { TelegramError } from "telegraf";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";

/** The Bot API's answer to a failed call, when there was one. */
export function apiErrorOf(thrown: unknown): { code: number; description: string; retryAfterSec?: number } | undefined {
  if (!(thrown instanceof TelegramError)) return undefined;
  const retryAfterSec = thrown.parameters?.retry_after;
  return { code: thrown.code, description: thrown.description ?? "", ...(retryAfterSec !== undefined ? { retryAfterSec } : {}) };
}

export const isParseError = (thrown: unknown) => {
  const api = apiErrorOf(thrown);
  return api?.code === 400 && /can't parse entities|unsupported start tag|can't find end tag/i.test(api.description);
};

export const isNotModified = (thrown: unknown) => {
  const api = apiErrorOf(thrown);
  return api?.code === 400 && /message is not modified/i.test(api.description);
};

/** Bot API URLs carry the token (`/bot<token>/getMe`, `/file/bot<token>/…`); node-fetch puts them in some messages. */
const tokenInUrl = /\/(file\/)?bot\d+:[A-Za-z0-9_-]+/g;

/**
 * Takes the token out of an error's message and stack, in place (as telegraf does for network errors, but
 * not for a body that is not JSON, e.g. a proxy's HTML page): those end up in the log and on /readyz.
 */
export function redactBotToken<T>(thrown: T): T {
  if (thrown instanceof Error) {
    thrown.message = thrown.message.replace(tokenInUrl, "/$1bot[redacted]");
    if (thrown.stack) thrown.stack = thrown.stack.replace(tokenInUrl, "/$1bot[redacted]");
  }
  return thrown;
}

/**
 * A failed Bot API call → BridgeError, so the outbox knows what to retry: 429 waits `retry_after`,
 * 5xx and network errors are retried, 400 (bad request) and 403 (blocked, kicked) are not.
 */
export function toTelegramBridgeError(thrown: unknown, method: string): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  const api = apiErrorOf(thrown);
  if (!api) {
    const error = toBridgeError(redactBotToken(thrown), "upstream");
    return error.code === "aborted" ? error : new BridgeError("upstream", `Telegram ${method} failed: ${error.message}`, { cause: thrown });
  }
  const detail = `Telegram ${method}: ${api.code} ${api.description}`;
  if (api.code === 429) return new BridgeError("rate-limited", detail, { cause: thrown, retryAfterMs: (api.retryAfterSec ?? 1) * 1000 });
  if (api.code === 401) return new BridgeError("unauthorized", `${detail} (is TELEGRAM_BOT_TOKEN right?)`, { cause: thrown });
  if (api.code === 403) return new BridgeError("unauthorized", detail, { cause: thrown });
  if (api.code >= 500) return new BridgeError("upstream", detail, { cause: thrown });
  return new BridgeError("bad-input", detail, { cause: thrown });
}
