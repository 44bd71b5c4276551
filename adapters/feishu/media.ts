import type { Client } from "@larksuiteoapi/node-sdk";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError, localizedError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { FeishuCall } from "./api.ts";
import { parseMediaId } from "./inbound.ts";

const megabytes = (bytes: number) => `${Math.round(bytes / 1e5) / 10} MB`;

/**
 * Downloads a resource of a received message: `GET /open-apis/im/v1/messages/:message_id/resources/:file_key?type=image|file`.
 * Feishu's events give no size, so the limit is checked on Content-Length and again while reading.
 */
export async function downloadResource(client: Client, call: FeishuCall, ref: MediaRef, maxBytes: number): Promise<FetchedMedia> {
  const parsed = parseMediaId(ref.id);
  if (!parsed) throw new BridgeError("bad-input", "That attachment is not a Feishu resource.");
  const tooBig = (sizeBytes: number) =>
    localizedError("unsupported", "media.tooBig", { size: megabytes(sizeBytes), limit: megabytes(maxBytes) });
  const resource = await call("im.messageResource.get", () =>
    client.im.messageResource.get({ path: { message_id: parsed.messageId, file_key: parsed.fileKey }, params: { type: parsed.type } }),
  );
  const headers = (resource.headers ?? {}) as Record<string, unknown>;
  const stream = resource.getReadableStream();
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > maxBytes) {
    stream.destroy();
    throw tooBig(declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      stream.destroy();
      throw tooBig(size);
    }
    chunks.push(chunk as Buffer);
  }
  const contentType = typeof headers["content-type"] === "string" ? headers["content-type"].split(";")[0]!.trim() : undefined;
  const mimeType = contentType && contentType !== "application/octet-stream" ? contentType : (ref.mimeType ?? contentType ?? "application/octet-stream");
  return { bytes: new Uint8Array(Buffer.concat(chunks)), mimeType, ...(ref.fileName ? { fileName: ref.fileName } : {}) };
}
