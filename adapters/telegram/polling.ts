import { setTimeout as sleep } from "node:timers/promises";
import type { Telegram } from "telegraf";
import type { ChannelHealth } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { callWithTimeout } from "../kit/call-timeout.ts";
import { apiErrorOf, redactBotToken } from "./errors.ts";
import { updateSchema, type TelegramUpdate } from "./update-schema.ts";

export const allowedUpdates = ["message", "callback_query"] as const;

export interface PollingOptions {
  telegram: Telegram;
  logger: Logger;
  /** Resolves once the update is durable (in the inbox); only then does the offset move past it. */
  handle(update: TelegramUpdate): Promise<void>;
  setHealth(health: ChannelHealth): void;
  signal: AbortSignal;
  /** How long Telegram holds a `getUpdates` open (seconds). */
  timeoutSec: number;
  /**
   * A `getUpdates` still unanswered this long after its hold time is a dead connection: it is cut off and
   * replaced by a new poll from the same offset (Telegram keeps the unconfirmed updates).
   */
  pollMarginMs: number;
  /** First wait after a failure; doubles up to `maxBackoffMs`. */
  minBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * Long polling that loses nothing on a restart. telegraf's own loop moves its offset as soon as a batch
 * arrives; here the offset moves past an update only after `handle` resolved, and Telegram forgets an
 * update only when a later `getUpdates` carries that offset. A 409 Conflict (another poller, or a webhook
 * still set) is shown on health and retried with backoff instead of ending the loop.
 */
export async function pollUpdates(options: PollingOptions): Promise<void> {
  const { telegram, logger, signal } = options;
  let offset: number | undefined;
  let backoffMs = options.minBackoffMs;
  let lastProblem: string | undefined;
  // The first call returns at once, so the channel shows ready (or the 409) without waiting out a long poll.
  let isFirstPoll = true;

  const waitAfterFailure = async (problem: string, waitMs: number) => {
    options.setHealth({ state: "error", detail: problem });
    if (problem !== lastProblem) logger.warn({ retryInMs: waitMs }, problem);
    lastProblem = problem;
    await sleep(waitMs, undefined, { signal }).catch(() => undefined);
  };

  while (!signal.aborted) {
    let updates: unknown[];
    try {
      const payload = { timeout: isFirstPoll ? 0 : options.timeoutSec, allowed_updates: allowedUpdates, ...(offset !== undefined ? { offset } : {}) };
      const pollTimeoutMs = payload.timeout * 1000 + options.pollMarginMs;
      updates = (await callWithTimeout("Telegram getUpdates", pollTimeoutMs, signal, (callSignal) =>
        telegram.callApi("getUpdates", payload as never, { signal: callSignal } as never),
      )) as unknown[];
    } catch (thrown) {
      if (signal.aborted) return;
      const api = apiErrorOf(thrown);
      if (thrown instanceof BridgeError && thrown.code === "timeout") {
        // Silence, not a refusal: shown as degraded and polled again at once, from the stored offset.
        options.setHealth({ state: "degraded", detail: `${thrown.message}; polling again` });
        if (lastProblem !== thrown.message) logger.warn({ offset }, `${thrown.message}; polling again`);
        lastProblem = thrown.message;
        continue;
      } else if (api?.code === 409) {
        await waitAfterFailure(`Telegram 409 Conflict: another process polls this bot token, or a webhook is set (${api.description})`, backoffMs);
      } else if (api?.code === 401 || api?.code === 404) {
        await waitAfterFailure(`Telegram refused the bot token (${api.code} ${api.description})`, options.maxBackoffMs);
      } else if (api?.code === 429) {
        await waitAfterFailure("Telegram rate-limited getUpdates", Math.max(1, api.retryAfterSec ?? 1) * 1000);
      } else {
        await waitAfterFailure(`getUpdates failed: ${api ? `${api.code} ${api.description}` : (redactBotToken(thrown) as Error).message}`, backoffMs);
      }
      backoffMs = Math.min(backoffMs * 2, options.maxBackoffMs);
      continue;
    }
    isFirstPoll = false;
    if (lastProblem) logger.info({}, "Telegram polling recovered");
    lastProblem = undefined;
    backoffMs = options.minBackoffMs;
    options.setHealth({ state: "ready" });
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
          await waitAfterFailure(`could not store a Telegram update: ${(thrown as Error).message}`, backoffMs);
          break;
        }
      }
      const updateId = (raw as { update_id?: unknown }).update_id;
      if (typeof updateId === "number") offset = updateId + 1;
    }
  }
}
