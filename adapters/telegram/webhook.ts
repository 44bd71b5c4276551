import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readJsonBody, sendJson } from "../kit/http-body.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import { updateSchema, type TelegramUpdate } from "./update-schema.ts";

export const webhookPath = "/webhooks/telegram";
const secretHeader = "x-telegram-bot-api-secret-token";

export function isSameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WebhookOptions {
  secret: string;
  logger: Logger;
  /** Resolves once the update is in the inbox (or known to be a duplicate); false while not started. */
  handle(update: TelegramUpdate): Promise<boolean>;
}

/**
 * `POST /webhooks/telegram`: the secret header is checked first (401, no run), then the body (400);
 * the 200 goes back only after the update is stored, so Telegram redelivers anything we lost.
 */
export function telegramWebhookRoute(options: WebhookOptions): HttpRoute {
  return {
    method: "POST",
    path: webhookPath,
    isOwnerOnly: false,
    handle: async function handleTelegramWebhook(request: IncomingMessage, response: ServerResponse) {
      const given = request.headers[secretHeader];
      if (!isSameSecret(Array.isArray(given) ? given[0] : given, options.secret)) {
        options.logger.warn({}, "Telegram webhook refused: wrong or missing secret token");
        return sendJson(response, 401, { error: "wrong or missing X-Telegram-Bot-Api-Secret-Token" });
      }
      let update: TelegramUpdate;
      try {
        update = await readJsonBody(request, updateSchema, 1_000_000);
      } catch (error) {
        return sendJson(response, 400, { error: toBridgeError(error).message });
      }
      if (!(await options.handle(update))) return sendJson(response, 503, { error: "Telegram channel is not started" });
      sendJson(response, 200, { ok: true });
    },
  };
}
