import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { readBody, sendJson } from "../kit/http-body.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { checkSlackHeaders, verifySlackSignature } from "./signature.ts";

/** Slack's event bodies are small; 1 MB leaves room for rich blocks. */
const maxBodyBytes = 1_000_000;

const urlVerificationSchema = z.object({ type: z.literal("url_verification"), challenge: z.string() });
const typedSchema = z.looseObject({ type: z.string() });

export type Handled = "accepted" | "not-ready";

export interface SlackWebhookDeps {
  signingSecret: string;
  logger: Logger;
  now: () => number;
  /** Puts what the body holds in the inbox (or ignores it); throws BridgeError("bad-input") when it is malformed. */
  onEvent(body: { type: string } & Record<string, unknown>): Promise<Handled>;
  /** The same for an interactivity payload (button clicks). */
  onInteraction(payload: { type: string } & Record<string, unknown>): Promise<Handled>;
}

type Verified = { rawBody: Buffer } | undefined;

/**
 * Checks the signature headers (401 before the body is read when they are missing or stale), then reads the raw
 * body (413 past 1 MB) and checks its v0 signature (401); answers itself and returns undefined when one fails.
 */
async function verified(request: IncomingMessage, response: ServerResponse, deps: SlackWebhookDeps): Promise<Verified> {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const headers = { timestamp: header("x-slack-request-timestamp"), signature: header("x-slack-signature") };
  const refuse = (reason: string) => {
    deps.logger.warn({ path: request.url, reason }, "slack request refused");
    sendJson(response, 401, { error: "invalid signature" });
    return undefined;
  };
  const headerCheck = checkSlackHeaders(headers, deps.now());
  if (!headerCheck.isValid) return refuse(headerCheck.reason);
  let rawBody: Buffer;
  try {
    rawBody = await readBody(request, maxBodyBytes);
  } catch {
    sendJson(response, 413, { error: "body too large" });
    return undefined;
  }
  const check = verifySlackSignature(deps.signingSecret, headers, rawBody, deps.now());
  if (!check.isValid) return refuse(check.reason);
  return { rawBody };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function answer(response: ServerResponse, work: () => Promise<Handled>, logger: Logger): Promise<void> {
  let handled: Handled;
  try {
    handled = await work();
  } catch (error) {
    const isBadInput = error instanceof Error && "code" in error && error.code === "bad-input";
    if (isBadInput) return sendJson(response, 400, { error: error.message });
    // The inbox could not be written: a 5xx makes Slack retry, and the inbox dedupes the retry.
    logger.error({ err: error }, "slack event not stored");
    return sendJson(response, 500, { error: "not stored; retry" });
  }
  if (handled === "not-ready") return sendJson(response, 503, { error: "slack channel is not started" });
  response.writeHead(200).end();
}

/**
 * `POST /webhooks/slack/events` and `POST /webhooks/slack/interactions`, served by the gateway's own
 * server with raw bodies: signature first (401), then shape (400), then the inbox, then 200.
 */
export function createSlackWebhookRoutes(deps: SlackWebhookDeps): HttpRoute[] {
  const events = async function slackEvents(request: IncomingMessage, response: ServerResponse) {
    const checked = await verified(request, response, deps);
    if (!checked) return;
    const body = typedSchema.safeParse(parseJson(checked.rawBody.toString("utf8")));
    if (!body.success) return sendJson(response, 400, { error: "expected a JSON object with a type" });
    if (body.data.type === "url_verification") {
      const challenge = urlVerificationSchema.safeParse(body.data);
      if (!challenge.success) return sendJson(response, 400, { error: "challenge: expected a string" });
      return sendJson(response, 200, { challenge: challenge.data.challenge });
    }
    const retryNum = request.headers["x-slack-retry-num"];
    if (retryNum) deps.logger.debug({ retryNum, reason: request.headers["x-slack-retry-reason"] }, "slack retried an event");
    await answer(response, () => deps.onEvent(body.data), deps.logger);
  };

  const interactions = async function slackInteractions(request: IncomingMessage, response: ServerResponse) {
    const checked = await verified(request, response, deps);
    if (!checked) return;
    const form = new URLSearchParams(checked.rawBody.toString("utf8"));
    const payload = typedSchema.safeParse(parseJson(form.get("payload") ?? ""));
    if (!payload.success) return sendJson(response, 400, { error: "payload: expected a JSON object with a type" });
    await answer(response, () => deps.onInteraction(payload.data), deps.logger);
  };

  return [
    { method: "POST", path: "/webhooks/slack/events", isOwnerOnly: false, handle: events },
    { method: "POST", path: "/webhooks/slack/interactions", isOwnerOnly: false, handle: interactions },
  ];
}
