import { createHmac, timingSafeEqual } from "node:crypto";

/** Slack refuses requests older than this, and so do we (replay protection). */
export const signatureWindowMs = 5 * 60 * 1000;

export type SignatureCheck = { isValid: true } | { isValid: false; reason: string };

export function slackSignature(signingSecret: string, timestampSec: string, rawBody: Buffer | string): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestampSec}:`).update(rawBody).digest("hex")}`;
}

/** What can be checked before the body is read: both headers present, the timestamp within five minutes of `nowMs`. */
export function checkSlackHeaders(headers: { timestamp: string | undefined; signature: string | undefined }, nowMs: number): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { isValid: false, reason: "missing X-Slack-Signature or X-Slack-Request-Timestamp" };
  if (!/^\d{1,12}$/.test(timestamp)) return { isValid: false, reason: "malformed timestamp" };
  if (Math.abs(nowMs - Number(timestamp) * 1000) > signatureWindowMs) return { isValid: false, reason: "stale timestamp" };
  return { isValid: true };
}

/**
 * Checks `X-Slack-Signature` (`v0=` HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret)
 * in constant time, and that `X-Slack-Request-Timestamp` is within five minutes of `nowMs`.
 */
export function verifySlackSignature(
  signingSecret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  rawBody: Buffer,
  nowMs: number,
): SignatureCheck {
  const { timestamp, signature } = headers;
  const headerCheck = checkSlackHeaders(headers, nowMs);
  if (!headerCheck.isValid || !timestamp || !signature) return headerCheck;
  const expected = Buffer.from(slackSignature(signingSecret, timestamp, rawBody));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { isValid: false, reason: "bad signature" };
  return { isValid: true };
}
