import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import type { FetchedMedia } from "./types/adapter.ts";
import { BridgeError } from "./types/errors.ts";
import type { MediaRef } from "./types/message.ts";

/**
 * The bytes of media an answer carries. Agents and media/ hand out files on this host
 * (`platform: "local"`, the path as `id`); anything else is the adapter's own and fetched by it.
 */
export async function readReplyMedia(ref: MediaRef, fetchOwn: (ref: MediaRef) => Promise<FetchedMedia>): Promise<FetchedMedia> {
  if (ref.platform !== "local") return fetchOwn(ref);
  try {
    const bytes = await readFile(ref.id);
    return { bytes, mimeType: ref.mimeType ?? "application/octet-stream", fileName: ref.fileName ?? basename(ref.id) };
  } catch (error) {
    throw new BridgeError("internal", `Could not read ${basename(ref.id)} to send it`, { cause: error });
  }
}
