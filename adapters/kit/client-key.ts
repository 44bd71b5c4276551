import { createHash } from "node:crypto";

/**
 * A platform's client key (Feishu `uuid`, Discord `nonce`) for one message of a reply part: a digest of the part's
 * outbox key and the message's place in the part, `length` characters of base64url. The same every time the part
 * is sent, in any process, so the platform can tell a re-send after a crash from a new message.
 */
export function clientKeyOf(idempotencyKey: string, message: number | string, length: number): string {
  return createHash("sha256").update(`${idempotencyKey}\u0000${message}`).digest("base64url").slice(0, length);
}
