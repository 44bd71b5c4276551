import { decryptFile } from "@wecom/aibot-node-sdk";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { readLimited, sniffMimeType } from "../kit/media-download.ts";
import { aesKeyFragment } from "./inbound.ts";

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
  if (ref.sizeBytes !== undefined && ref.sizeBytes > maxBytes) throw mediaTooBig(ref.sizeBytes, maxBytes);
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
  const encrypted = await readLimited(response.body, maxBytes + 32, (sizeBytes) => mediaTooBig(sizeBytes, maxBytes), declared);
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
