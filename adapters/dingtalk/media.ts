import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError, localizedError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { DingtalkApi } from "./api.ts";

const megabytes = (bytes: number) => `${Math.round(bytes / 1e5) / 10} MB`;
const tooBig = (sizeBytes: number, maxBytes: number) =>
  localizedError("unsupported", "media.tooBig", { size: megabytes(sizeBytes), limit: megabytes(maxBytes) });

/** The type of the bytes from their first bytes: DingTalk's storage often answers application/octet-stream. */
export function sniffMimeType(bytes: Uint8Array, fallback: string): string {
  const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x23, 0x21, 0x41, 0x4d, 0x52)) return "audio/amr";
  if (starts(0x4f, 0x67, 0x67, 0x53)) return "audio/ogg";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x41) return "audio/wav";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "application/pdf";
  if (bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70) return bytes[8] === 0x4d && bytes[9] === 0x34 && bytes[10] === 0x41 ? "audio/mp4" : "video/mp4";
  return fallback;
}

/**
 * `POST /v1.0/robot/messageFiles/download {downloadCode, robotCode}` gives a short-lived `downloadUrl`;
 * the bytes are read from it as they stream in and refused past `maxBytes` (before, when the length is declared).
 */
export async function downloadMedia(api: DingtalkApi, robotCode: string, ref: MediaRef, maxBytes: number): Promise<FetchedMedia> {
  if (ref.sizeBytes !== undefined && ref.sizeBytes > maxBytes) throw tooBig(ref.sizeBytes, maxBytes);
  const { downloadUrl } = await api.call<{ downloadUrl?: string }>("POST", "/v1.0/robot/messageFiles/download", { downloadCode: ref.id, robotCode });
  if (!downloadUrl || !/^https?:\/\//.test(downloadUrl)) throw new BridgeError("upstream", "DingTalk gave no download URL for this file.");
  const response = await api.request(downloadUrl, { method: "GET" }, "file download");
  if (!response.ok || !response.body) {
    throw new BridgeError(response.status === 403 || response.status === 404 ? "unsupported" : "upstream", `DingTalk's file link answered ${response.status} (links expire after a while).`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > maxBytes) {
    await response.body.cancel();
    throw tooBig(declared, maxBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body) {
    total += chunk.length;
    if (total > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw tooBig(total, maxBytes);
    }
    chunks.push(chunk);
  }
  const bytes = Buffer.concat(chunks);
  const fallback = ref.mimeType ?? response.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream";
  return { bytes, mimeType: sniffMimeType(bytes, fallback), ...(ref.fileName ? { fileName: ref.fileName } : {}) };
}
