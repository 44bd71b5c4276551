import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { readLimited, sniffMimeType } from "../kit/media-download.ts";
import type { DingtalkApi } from "./api.ts";

/**
 * `POST /v1.0/robot/messageFiles/download {downloadCode, robotCode}` gives a short-lived `downloadUrl`;
 * the bytes are read from it as they stream in and refused past `maxBytes` (before, when the length is declared).
 */
export async function downloadMedia(api: DingtalkApi, robotCode: string, ref: MediaRef, maxBytes: number): Promise<FetchedMedia> {
  if (ref.sizeBytes !== undefined && ref.sizeBytes > maxBytes) throw mediaTooBig(ref.sizeBytes, maxBytes);
  const { downloadUrl } = await api.call<{ downloadUrl?: string }>("POST", "/v1.0/robot/messageFiles/download", { downloadCode: ref.id, robotCode });
  if (!downloadUrl || !/^https?:\/\//.test(downloadUrl)) throw new BridgeError("upstream", "DingTalk gave no download URL for this file.");
  const response = await api.request(downloadUrl, { method: "GET" }, "file download");
  if (!response.ok || !response.body) {
    throw new BridgeError(response.status === 403 || response.status === 404 ? "unsupported" : "upstream", `DingTalk's file link answered ${response.status} (links expire after a while).`);
  }
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const bytes = await readLimited(response.body, maxBytes, (sizeBytes) => mediaTooBig(sizeBytes, maxBytes), declared);
  const fallback = ref.mimeType ?? response.headers.get("content-type")?.split(";")[0]?.trim() ?? "application/octet-stream";
  return { bytes, mimeType: sniffMimeType(bytes, fallback), ...(ref.fileName ? { fileName: ref.fileName } : {}) };
}
