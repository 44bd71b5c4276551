import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../kit/http-body.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";

/**
 * The request-URL side of Feishu: URL verification, decryption, the signature and the verification
 * token, all checked here (the SDK answers 200 to forged events and never checks the token).
 */

/** `{"encrypt": base64(iv ‖ AES-256-CBC(sha256(encryptKey), iv, json))}` → the JSON text. */
export function decrypt(encrypted: string, encryptKey: string): string {
  const key = createHash("sha256").update(encryptKey).digest();
  const bytes = Buffer.from(encrypted, "base64");
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new BridgeError("unauthorized", "encrypted body has a bad length");
  const decipher = createDecipheriv("aes-256-cbc", key, bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString("utf8");
}

/** `X-Lark-Signature` of events when an encrypt key is set: sha256(timestamp + nonce + encryptKey + raw body), hex. */
export function eventSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash("sha256").update(timestamp + nonce + encryptKey).update(rawBody).digest("hex");
}

/** The old card callback's `X-Lark-Signature`: sha1(timestamp + nonce + verificationToken + raw body), hex. */
export function legacyCardSignature(timestamp: string, nonce: string, verificationToken: string, rawBody: Buffer): string {
  return createHash("sha1").update(timestamp + nonce + verificationToken).update(rawBody).digest("hex");
}

export function safeEqual(given: unknown, expected: string): boolean {
  if (typeof given !== "string") return false;
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

const header = (request: IncomingMessage, name: string): string => {
  const value = request.headers[name];
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
};

export interface WebhookSettings {
  verificationToken: string | undefined;
  encryptKey: string | undefined;
}

/** What the adapter does with an authenticated body: a status and a JSON answer for Feishu. */
export type Outcome = { status: 200 | 400; body: unknown };

export interface WebhookHandlers {
  /** A schema 2.0 or v1 event body, decrypted and authenticated. */
  onEvent(body: Record<string, unknown>): Promise<Outcome>;
  /** The old card callback (no schema): authenticated by its sha1 signature. */
  onLegacyCard(body: Record<string, unknown>): Promise<Outcome>;
}

function tokenOf(body: Record<string, unknown>): unknown {
  const head = body.header as Record<string, unknown> | undefined;
  return body.schema !== undefined ? head?.token : body.token;
}

/** Feishu's timestamps older or newer than this are refused (replay protection), as Slack's are. */
export const signatureWindowMs = 5 * 60 * 1000;
const maxBodyBytes = 1_000_000;
/** With an encrypt key, only the URL verification comes unsigned, and it is small. */
const maxUnsignedBytes = 16_384;

/**
 * One handler for `/webhooks/feishu/events` and `/webhooks/feishu/cards`. A signed request's timestamp is checked
 * before its body is read, and an encrypted body's signature before it is decrypted. Rejections: 401 for a stale
 * timestamp, a bad signature, token or undecryptable body; 413 past the size cap; 400 for a body that is not JSON or
 * fails its schema.
 */
export function createWebhookHandler(settings: WebhookSettings, handlers: WebhookHandlers, logger: Logger, now: () => number = Date.now) {
  const reject = (response: ServerResponse, status: 400 | 401 | 413, reason: string) => {
    logger.warn({ status, reason }, "Feishu webhook rejected");
    sendJson(response, status, { error: reason });
  };

  return async function feishuWebhook(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const timestamp = header(request, "x-lark-request-timestamp");
    const nonce = header(request, "x-lark-request-nonce");
    const signature = header(request, "x-lark-signature");
    const isSigned = signature !== "";
    if (isSigned && !(/^\d{1,12}$/.test(timestamp) && Math.abs(now() - Number(timestamp) * 1000) <= signatureWindowMs)) {
      return reject(response, 401, "missing or stale X-Lark-Request-Timestamp");
    }
    // With an encrypt key every event is signed: an unsigned request can only be the (small) URL verification.
    const isUnsignedWithKey = Boolean(settings.encryptKey) && !isSigned;
    const maxBytes = isUnsignedWithKey ? maxUnsignedBytes : maxBodyBytes;
    const tooLarge = () => (isUnsignedWithKey ? reject(response, 401, "unsigned request") : reject(response, 413, "body too large"));
    if (Number(header(request, "content-length") || 0) > maxBytes) return tooLarge();
    let raw: Buffer;
    try {
      raw = await readBody(request, maxBytes);
    } catch {
      return tooLarge();
    }
    const isEventSignatureValid = () =>
      isSigned && settings.encryptKey !== undefined && safeEqual(signature, eventSignature(timestamp, nonce, settings.encryptKey, raw));
    let outer: unknown;
    try {
      outer = JSON.parse(raw.toString("utf8"));
    } catch {
      return reject(response, 400, "body is not JSON");
    }
    if (!outer || typeof outer !== "object" || Array.isArray(outer)) return reject(response, 400, "body is not a JSON object");
    let body = outer as Record<string, unknown>;
    const isEncrypted = typeof body.encrypt === "string";
    if (isEncrypted) {
      if (!settings.encryptKey) return reject(response, 400, "encrypted body, but FEISHU_ENCRYPT_KEY is not set");
      if (isSigned && !isEventSignatureValid()) return reject(response, 401, "bad signature");
      try {
        const inner: unknown = JSON.parse(decrypt(body.encrypt as string, settings.encryptKey));
        if (!inner || typeof inner !== "object") throw new Error("not an object");
        body = inner as Record<string, unknown>;
      } catch {
        return reject(response, 401, "the body does not decrypt with FEISHU_ENCRYPT_KEY");
      }
    }

    // URL verification: answered once the token matches (Feishu does not sign it).
    if (body.type === "url_verification") {
      if (!settings.verificationToken || !safeEqual(body.token, settings.verificationToken)) return reject(response, 401, "wrong verification token");
      if (typeof body.challenge !== "string") return reject(response, 400, "challenge: expected a string");
      return sendJson(response, 200, { challenge: body.challenge });
    }

    const isLegacyCard = body.schema === undefined && body.open_message_id !== undefined && !isEncrypted;
    if (isLegacyCard) {
      if (!settings.verificationToken) return reject(response, 401, "card callbacks need FEISHU_VERIFICATION_TOKEN");
      if (!safeEqual(signature, legacyCardSignature(timestamp, nonce, settings.verificationToken, raw))) return reject(response, 401, "bad signature");
      const outcome = await handlers.onLegacyCard(body);
      return sendJson(response, outcome.status, outcome.body);
    }

    if (settings.encryptKey && !isEventSignatureValid()) return reject(response, 401, "bad signature");
    if (!settings.verificationToken || !safeEqual(tokenOf(body), settings.verificationToken)) return reject(response, 401, "wrong verification token");
    const outcome = await handlers.onEvent(body);
    sendJson(response, outcome.status, outcome.body);
  };
}
