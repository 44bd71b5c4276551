import { open } from "node:fs/promises";
import { basename } from "node:path";
import type { FileStore } from "../../core/store/file-store.ts";
import type { FetchedMedia } from "../../core/types/adapter.ts";
import { BridgeError, localizedError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { readOpenFile } from "../../core/stored-media.ts";

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

function tooLarge(ref: MediaRef, sizeBytes: number, maxBytes: number): BridgeError {
  const name = ref.fileName ?? basename(ref.id);
  return localizedError("unsupported", "media.tooBigToSend", { name, size: megabytes(sizeBytes), limit: megabytes(maxBytes) });
}

/**
 * A host file an answer carries, checked before anything is read: a regular file of at most `maxBytes`
 * (MEDIA_MAX_BYTES or the platform's own limit, whichever is lower). Adapters that can stream use the path.
 */
export async function checkReplyFile(ref: MediaRef, maxBytes: number): Promise<{ path: string; sizeBytes: number }> {
  const handle = await openOrThrow(ref);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new BridgeError("bad-input", `${basename(ref.id)} is not a file.`);
    if (stats.size > maxBytes) throw tooLarge(ref, stats.size, maxBytes);
    return { path: ref.id, sizeBytes: stats.size };
  } finally {
    await handle.close();
  }
}

async function openOrThrow(ref: MediaRef) {
  try {
    return await open(ref.id, "r");
  } catch (error) {
    throw new BridgeError("internal", `Could not read ${basename(ref.id)} to send it`, { cause: error });
  }
}

/** A file copied into the shared store (`platform: "stored"`, its sha256 as `id`), whichever process copied it. */
async function readStored(ref: MediaRef, files: Pick<FileStore, "get"> | undefined, maxBytes: number): Promise<FetchedMedia> {
  const stored = await files?.get(ref.id);
  if (!stored) throw new BridgeError("bad-input", `${ref.fileName ?? "The file"} is no longer stored, so it cannot be sent.`);
  if (stored.bytes.length > maxBytes) throw tooLarge(ref, stored.bytes.length, maxBytes);
  return { bytes: stored.bytes, mimeType: ref.mimeType ?? stored.mimeType ?? "application/octet-stream", fileName: ref.fileName ?? stored.fileName ?? "file" };
}

/**
 * The bytes of media an answer carries. Agents and media/ hand out files on this host
 * (`platform: "local"`, the path as `id`), which a shared store holds as `platform: "stored"` (read from `files`);
 * anything else is the adapter's own and fetched by it (bounded there).
 * A local file is sized before it is read and never read past `maxBytes`, even if it grows meanwhile.
 */
export async function readReplyMedia(
  ref: MediaRef,
  fetchOwn: (ref: MediaRef) => Promise<FetchedMedia>,
  maxBytes: number,
  files?: Pick<FileStore, "get">,
): Promise<FetchedMedia> {
  if (ref.platform === "stored") return readStored(ref, files, maxBytes);
  if (ref.platform !== "local") return fetchOwn(ref);
  const handle = await openOrThrow(ref);
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new BridgeError("bad-input", `${basename(ref.id)} is not a file.`);
    if (stats.size > maxBytes) throw tooLarge(ref, stats.size, maxBytes);
    const bytes = await readOpenFile(handle, stats.size);
    return { bytes, mimeType: ref.mimeType ?? "application/octet-stream", fileName: ref.fileName ?? basename(ref.id) };
  } catch (error) {
    if (error instanceof BridgeError) throw error;
    throw new BridgeError("internal", `Could not read ${basename(ref.id)} to send it`, { cause: error });
  } finally {
    await handle.close();
  }
}
