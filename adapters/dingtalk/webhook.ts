import { createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../kit/http-body.ts";
import type { Logger } from "../../core/types/logger.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";

/**
 * The HTTP callback of a robot set to HTTP mode: DingTalk sends headers `timestamp` (epoch ms) and
 * `sign` = base64(HMAC-SHA256(key = AppSecret, `${timestamp}\n${AppSecret}`)); a timestamp more than an
 * hour away from now is refused, as DingTalk's own check of the same signature is.
 */
export const signatureWindowMs = 60 * 60 * 1000;
const maxBodyBytes = 1_000_000;

export function callbackSignature(timestamp: string, secret: string): string {
  return createHmac("sha256", secret).update(`${timestamp}\n${secret}`, "utf8").digest("base64");
}

function safeEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
};

/** What the adapter does with an authenticated body: 200 (taken, a duplicate or ignored) or 400 (malformed). */
export type Outcome = { status: 200 | 400; body: unknown };

/**
 * The signature covers the timestamp only, not the body: a captured pair could carry another body for an hour.
 * Each signature is therefore bound to the first message id it came with; DingTalk's own retries (same body) pass,
 * another body under it is refused. Per process, bounded: a defence in depth, Stream mode has no such gap.
 */
const maxRememberedSignatures = 50_000;

export function createCallbackHandler(secret: string, onBody: (body: unknown) => Promise<Outcome>, logger: Logger, now: () => number = Date.now) {
  const messageOfSignature = createBoundedMap<string>(maxRememberedSignatures);
  const reject = (response: ServerResponse, status: 400 | 401 | 413, reason: string) => {
    logger.warn({ status, reason }, "DingTalk callback rejected");
    sendJson(response, status, { error: reason });
  };
  return async function dingtalkCallback(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const timestamp = header(request, "timestamp");
    const sign = header(request, "sign");
    if (!/^\d{10,16}$/.test(timestamp) || Math.abs(now() - Number(timestamp)) > signatureWindowMs) return reject(response, 401, "missing or stale timestamp");
    // Some proxies keep the URL-encoded form of the signature.
    const given = sign.includes("%") ? decodeURIComponent(sign) : sign;
    if (!given || !safeEqual(given, callbackSignature(timestamp, secret))) return reject(response, 401, "bad signature");
    let raw: Buffer;
    try {
      raw = await readBody(request, maxBodyBytes);
    } catch {
      return reject(response, 413, "body too large");
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return reject(response, 400, "body is not JSON");
    }
    const msgId = body && typeof body === "object" ? (body as { msgId?: unknown }).msgId : undefined;
    if (typeof msgId === "string") {
      const bound = messageOfSignature.get(given);
      if (bound !== undefined && bound !== msgId) return reject(response, 401, "signature already used for another message");
      messageOfSignature.set(given, msgId);
    }
    const outcome = await onBody(body);
    if (outcome.status === 400) logger.warn({ status: 400 }, "DingTalk callback rejected: not a robot message");
    sendJson(response, outcome.status, outcome.body);
  };
}
