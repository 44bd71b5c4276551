import { createHash } from "node:crypto";

const digestOf = (idempotencyKey: string, message: number | string) => createHash("sha256").update(`${idempotencyKey}\u0000${message}`).digest();

/**
 * A platform's client key (Feishu `uuid`, Discord `nonce`) for one message of a reply part: a digest of the part's
 * outbox key and the message's place in the part, `length` characters of base64url. The same every time the part
 * is sent, in any process, so the platform can tell a re-send after a crash from a new message.
 */
export function clientKeyOf(idempotencyKey: string, message: number | string, length: number): string {
  return digestOf(idempotencyKey, message).toString("base64url").slice(0, length);
}

/** The same as a number in `min`..`max` (QQ's `msg_seq`), from 48 bits of the digest. */
export function clientNumberOf(idempotencyKey: string, message: number | string, min: number, max: number): number {
  return min + (digestOf(idempotencyKey, message).readUIntBE(0, 6) % (max - min + 1));
}
