import { decryptFile } from "@wecom/aibot-node-sdk";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError, localizedError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { aesKeyFragment } from "./inbound.ts";

const megabytes = (bytes: number) => `${Math.round(bytes / 1e5) / 10} MB`;

function tooBig(sizeBytes: number, maxBytes: number): BridgeError {
  return localizedError("unsupported", "media.tooBig", { size: megabytes(sizeBytes), limit: megabytes(maxBytes) });
}

/** The type of the decrypted bytes, from their first bytes (WeCom's storage answers with a generic type). */
export function sniffMimeType(bytes: Uint8Array, fallback: string): string {
  const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "application/pdf";
  if (bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70) return "video/mp4";
  return fallback;
}

function fileNameOf(disposition: string | null): string | undefined {
  if (!disposition) return undefined;
  const encoded = /filename\*=UTF-8''([^;\s]+)/i.exec(disposition);
  if (encoded) return decodeURIComponent(encoded[1]!);
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1];
}

/**
 * Downloads a WeCom media URL and decrypts it with the message's AES key (the SDK's `decryptFile`:
 * AES-256-CBC, PKCS#7 to 32 bytes). The download is ours rather than the SDK's `downloadFile`, so that
 * a file over `maxBytes` is refused as it streams in instead of after it was held whole in memory.
 */
export async function downloadMedia(ref: MediaRef, maxBytes: number, timeoutMs = 60_000): Promise<FetchedMedia> {
  if (ref.id.endsWith(":voice")) {
    throw new BridgeError("unsupported", "WeCom sends voice messages as their transcript only; there is no audio to fetch.");
  }
  if (!ref.url) throw new BridgeError("bad-input", "This WeCom attachment has no download URL.");
  if (ref.sizeBytes !== undefined && ref.sizeBytes > maxBytes) throw tooBig(ref.sizeBytes, maxBytes);
  const at = ref.url.indexOf(aesKeyFragment);
  const url = at >= 0 ? ref.url.slice(0, at) : ref.url;
  const aesKey = at >= 0 ? decodeURIComponent(ref.url.slice(at + aesKeyFragment.length)) : undefined;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new BridgeError("upstream", "Could not download the file from WeCom.", { cause: error });
  }
  if (!response.ok || !response.body) {
    throw new BridgeError(response.status === 403 || response.status === 404 ? "unsupported" : "upstream", `WeCom's file link answered ${response.status} (links expire after a while).`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  // The encrypted file is the plain one plus up to 32 bytes of padding.
  if (declared > maxBytes + 32) {
    await response.body.cancel();
    throw tooBig(declared, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxBytes + 32) {
      await response.body.cancel().catch(() => undefined);
      throw tooBig(total, maxBytes);
    }
    chunks.push(chunk);
  }
  const encrypted = Buffer.concat(chunks);
  let bytes: Buffer;
  try {
    bytes = aesKey ? decryptFile(encrypted, aesKey) : encrypted;
  } catch (error) {
    throw new BridgeError("upstream", "Could not decrypt the file WeCom sent.", { cause: error });
  }
  const fallback = ref.mimeType ?? response.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream";
  const fileName = ref.fileName ?? fileNameOf(response.headers.get("content-disposition"));
  return { bytes, mimeType: sniffMimeType(bytes, fallback), ...(fileName ? { fileName } : {}) };
}
