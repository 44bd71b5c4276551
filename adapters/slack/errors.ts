import { BridgeError } from "../../core/types/errors.ts";

/** Slack's `error` strings that no retry will fix. */
const unauthorized = new Set(["invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "missing_scope", "no_permission", "ekm_access_denied"]);
const badInput = new Set([
  "channel_not_found", "not_in_channel", "is_archived", "msg_too_long", "no_text", "invalid_blocks", "invalid_arguments",
  "message_not_found", "cant_update_message", "edit_window_closed", "too_many_attachments", "restricted_action",
]);

interface SlackLikeError {
  code?: unknown;
  original?: { name?: unknown };
  retryAfter?: unknown;
  data?: { error?: unknown };
  statusCode?: unknown;
}

/**
 * A @slack/web-api error as a BridgeError: 429 (`Retry-After`) → "rate-limited" with `retryAfterMs`,
 * auth and argument errors are final, the rest ("upstream") may be retried by the outbox.
 */
export function toSlackBridgeError(thrown: unknown, what: string): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  const error = (thrown ?? {}) as SlackLikeError;
  if (error.code === "slack_webapi_rate_limited_error") {
    const retryAfterSec = typeof error.retryAfter === "number" ? error.retryAfter : 1;
    return new BridgeError("rate-limited", `Slack is rate-limiting ${what}; retrying in ${retryAfterSec} s.`, {
      cause: thrown,
      retryAfterMs: retryAfterSec * 1000,
    });
  }
  if (error.code === "slack_webapi_platform_error") {
    const code = String(error.data?.error ?? "unknown_error");
    if (code === "ratelimited") return new BridgeError("rate-limited", `Slack is rate-limiting ${what}.`, { cause: thrown, retryAfterMs: 1000 });
    if (unauthorized.has(code)) return new BridgeError("unauthorized", `Slack refused ${what}: ${code}.`, { cause: thrown });
    if (badInput.has(code)) return new BridgeError("bad-input", `Slack refused ${what}: ${code}.`, { cause: thrown });
    return new BridgeError("upstream", `Slack failed ${what}: ${code}.`, { cause: thrown });
  }
  if (error.code === "slack_webapi_request_error" && error.original?.name === "TimeoutError") {
    return new BridgeError("timeout", `Slack did not answer ${what} in time.`, { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new BridgeError("upstream", `Slack could not be reached for ${what}: ${message}`, { cause: thrown });
}
