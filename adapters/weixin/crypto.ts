import { createCipheriv, createDecipheriv } from "node:crypto";
import { BridgeError } from "../../core/types/errors.ts";

/** AES-128-ECB with PKCS#7 padding, as the WeChat CDN stores media (src/cdn/aes-ecb.ts). */
export function encryptAesEcb(plaintext: Uint8Array, key: Uint8Array): Buffer {
  const cipher = createCipheriv("aes-128-ecb", key, null);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]);
}

export function decryptAesEcb(ciphertext: Uint8Array, key: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-128-ecb", key, null);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** The ciphertext size after PKCS#7 padding (always at least one byte of padding). */
export function paddedSizeBytes(plaintextSizeBytes: number): number {
  return Math.ceil((plaintextSizeBytes + 1) / 16) * 16;
}

const hexKey = /^[0-9a-fA-F]{32}$/;

/**
 * The 16-byte key from any documented encoding (src/cdn/pic-decrypt.ts parseAesKey): base64 of the
 * 16 raw bytes (images), base64 of the 32-character hex string (file, voice, video), or the hex
 * string itself (image_item.aeskey).
 */
export function parseAesKey(encoded: string): Buffer {
  if (hexKey.test(encoded)) return Buffer.from(encoded, "hex");
  const decoded = Buffer.from(encoded, "base64");
  if (decoded.length === 16) return decoded;
  if (decoded.length === 32 && hexKey.test(decoded.toString("ascii"))) return Buffer.from(decoded.toString("ascii"), "hex");
  throw new BridgeError("upstream", `WeChat sent a media key I cannot read (${decoded.length} bytes after base64)`);
}

/** How outbound media carries its key (src/messaging/send.ts): base64 of the hex string. */
export function encodeAesKeyForMessage(key: Uint8Array): string {
  return Buffer.from(Buffer.from(key).toString("hex"), "ascii").toString("base64");
}
