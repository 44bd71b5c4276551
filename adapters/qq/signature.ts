import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";

/**
 * QQ's webhook signatures (Ed25519). The key pair comes from the bot secret: the secret repeated until
 * it is at least 32 bytes long, cut to 32 bytes, is the seed. Events are signed over
 * `X-Signature-Timestamp + raw body`; the URL validation (op 13) is answered with a signature over
 * `event_ts + plain_token`. Signatures are hex.
 */
export interface QqSigner {
  /** Hex Ed25519 signature of `timestamp + body`. */
  sign(timestamp: string, body: string | Buffer): string;
  /** Whether `signatureHex` signs `timestamp + body`; false for anything that is not a 64-byte hex signature. */
  verify(timestamp: string, body: Buffer, signatureHex: string): boolean;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows. */
const pkcs8Prefix = Buffer.from("302e020100300506032b657004220420", "hex");

export function seedFromSecret(secret: string): Buffer {
  if (secret.length === 0) throw new Error("the QQ bot secret is empty");
  let seed = Buffer.from(secret, "utf8");
  while (seed.length < 32) seed = Buffer.concat([seed, seed]);
  return seed.subarray(0, 32);
}

export function createQqSigner(secret: string): QqSigner {
  const privateKey: KeyObject = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, seedFromSecret(secret)]), format: "der", type: "pkcs8" });
  const publicKey = createPublicKey(privateKey);
  const message = (timestamp: string, body: string | Buffer) => Buffer.concat([Buffer.from(timestamp, "utf8"), Buffer.isBuffer(body) ? body : Buffer.from(body, "utf8")]);
  return {
    sign: (timestamp, body) => sign(null, message(timestamp, body), privateKey).toString("hex"),
    verify(timestamp, body, signatureHex) {
      if (!/^[0-9a-fA-F]{128}$/.test(signatureHex)) return false;
      const signature = Buffer.from(signatureHex, "hex");
      // As the official check: the top three bits of the last byte must be clear.
      if ((signature[63]! & 224) !== 0) return false;
      return verify(null, message(timestamp, body), publicKey, signature);
    },
  };
}
