import type { Client } from "@larksuiteoapi/node-sdk";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { mediaTooBig } from "../../core/media-size.ts";
import { readLimited } from "../kit/media-download.ts";
import type { FeishuCall } from "./api.ts";
import { parseMediaId } from "./inbound.ts";

/**
 * Downloads a resource of a received message: `GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=image|file`.
 * Feishu's events give no size, so the limit is checked on Content-Length and again while reading.
 */
export async function downloadResource(client: Client, call: FeishuCall, ref: MediaRef, maxBytes: number): Promise<FetchedMedia> {
  const parsed = parseMediaId(ref.id);
  if (!parsed) throw new BridgeError("bad-input", "That attachment is not a Feishu resource.");
  const resource = await call("im.messageResource.get", () =>
    client.im.messageResource.get({ path: { message_id: parsed.messageId, file_key: parsed.fileKey }, params: { type: parsed.type } }),
  );
  const headers = (resource.headers ?? {}) as Record<string, unknown>;
  const stream = resource.getReadableStream();
  const bytes = await readLimited(stream, maxBytes, (sizeBytes) => mediaTooBig(sizeBytes, maxBytes), Number(headers["content-length"]));
  const contentType = typeof headers["content-type"] === "string" ? headers["content-type"].split(";")[0]!.trim() : undefined;
  const mimeType = contentType && contentType !== "application/octet-stream" ? contentType : (ref.mimeType ?? contentType ?? "application/octet-stream");
  return { bytes: new Uint8Array(bytes), mimeType, ...(ref.fileName ? { fileName: ref.fileName } : {}) };
}
