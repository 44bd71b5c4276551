import type { Telegram } from "telegraf";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { callWithTimeout } from "../kit/call-timeout.ts";
import type { ConnectionSession, FailurePlan } from "../kit/connection-lifecycle.ts";
import { apiErrorOf, redactBotToken } from "./errors.ts";
import { updateSchema, type TelegramUpdate } from "./update-schema.ts";

export const allowedUpdates = ["message", "callback_query"] as const;

/** Where polling stands; it outlives a session, so a poll after a failure starts from the stored offset. */
export interface PollPosition {
  offset?: number;
  /** The first call returns at once, so the channel shows ready (or the 409) without waiting out a long poll. */
  isFirstPoll: boolean;
}

export interface PollingOptions {
  telegram: Telegram;
  logger: Logger;
  /** Resolves once the update is durable (in the inbox); only then does the offset move past it. */
  handle(update: TelegramUpdate): Promise<unknown>;
  position: PollPosition;
  /** How long Telegram holds a `getUpdates` open (seconds). */
  timeoutSec: number;
  /**
   * A `getUpdates` still unanswered this long after its hold time is a dead connection: it is cut off and
   * replaced by a new poll from the same offset (Telegram keeps the unconfirmed updates).
   */
  pollMarginMs: number;
}

/**
 * Long polling that loses nothing on a restart, as one session of the connection lifecycle: it polls until a
 * `getUpdates` fails (the lifecycle waits as `describePollFailure` says, then starts another from the same
 * position). telegraf's own loop moves its offset as soon as a batch arrives; here the offset moves past an
 * update only after `handle` resolved, and Telegram forgets an update only when a later `getUpdates` carries
 * that offset.
 */
export async function pollUpdates(options: PollingOptions, session: ConnectionSession): Promise<void> {
  const { telegram, logger, position } = options;
  const { signal } = session;
  while (!signal.aborted) {
    const payload = { timeout: position.isFirstPoll ? 0 : options.timeoutSec, allowed_updates: allowedUpdates, ...(position.offset !== undefined ? { offset: position.offset } : {}) };
    const pollTimeoutMs = payload.timeout * 1000 + options.pollMarginMs;
    const updates = (await callWithTimeout("Telegram getUpdates", pollTimeoutMs, signal, (callSignal) =>
      telegram.callApi("getUpdates", payload as never, { signal: callSignal } as never),
    )) as unknown[];
    position.isFirstPoll = false;
    session.up();
    for (const raw of updates) {
      if (signal.aborted) return;
      const parsed = updateSchema.safeParse(raw);
      if (!parsed.success) {
        logger.warn({ updateId: (raw as { update_id?: unknown }).update_id, issue: parsed.error.issues[0]?.message }, "skipped a Telegram update of an unexpected shape");
      } else {
        try {
          await options.handle(parsed.data);
        } catch (thrown) {
          // Not stored: the offset stays, so Telegram delivers it again.
          await session.trouble({ detail: `could not store a Telegram update: ${(thrown as Error).message}` });
          break;
        }
      }
      const updateId = (raw as { update_id?: unknown }).update_id;
      if (typeof updateId === "number") position.offset = updateId + 1;
    }
  }
}

/**
 * How a failed `getUpdates` shows and waits. A timeout is silence, not a refusal: degraded and polled again at
 * once. A 409 Conflict (another poller, or a webhook still set) is shown on health and retried with backoff.
 */
export function describePollFailure(thrown: unknown, maxBackoffMs: number): FailurePlan {
  if (thrown instanceof BridgeError && thrown.code === "timeout") return { state: "degraded", detail: `${thrown.message}; polling again`, waitMs: 0 };
  const api = apiErrorOf(thrown);
  if (api?.code === 409) return { detail: `Telegram 409 Conflict: another process polls this bot token, or a webhook is set (${api.description})` };
  if (api?.code === 401 || api?.code === 404) return { detail: `Telegram refused the bot token (${api.code} ${api.description})`, waitMs: maxBackoffMs };
  if (api?.code === 429) return { detail: "Telegram rate-limited getUpdates", waitMs: Math.max(1, api.retryAfterSec ?? 1) * 1000 };
  return { detail: `getUpdates failed: ${api ? `${api.code} ${api.description}` : (redactBotToken(thrown) as Error).message}` };
}
