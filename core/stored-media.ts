import { open, type FileHandle } from "node:fs/promises";
import { basename } from "node:path";
import type { FileStore } from "./store/file-store.ts";
import type { ReplyPart } from "./types/reply.ts";

/** Where a shared store keeps the files replies carry, and the most it copies (MEDIA_MAX_BYTES). */
export interface MediaCopies {
  files: FileStore;
  maxBytes: number;
}

/** An open file's first `sizeBytes` bytes (its size when it was checked: a file that grows since is not read further). */
export async function readOpenFile(handle: FileHandle, sizeBytes: number): Promise<Uint8Array> {
  const buffer = Buffer.alloc(sizeBytes);
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return buffer.subarray(0, filled);
}

/** The file's bytes if it is a regular file of at most `maxBytes`; undefined otherwise (missing, too big, a folder). */
async function readBounded(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
  const handle = await open(path, "r").catch(() => undefined);
  if (!handle) return undefined;
  try {
    const stats = await handle.stat();
    if (!stats.isFile() || stats.size > maxBytes) return undefined;
    return await readOpenFile(handle, stats.size);
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/**
 * A part whose media is a file on this host (`platform: "local"`), with that file copied into the store
 * (`platform: "stored"`, its sha256 as `id`): any process sharing the store can then send it, after a crash or
 * a long retry_after. A file that cannot be copied (missing, too big) is left as it was: the adapter refuses
 * it with the usual polite error.
 */
export async function withStoredMedia(part: ReplyPart, copies: MediaCopies, now: number): Promise<ReplyPart> {
  if (part.type !== "image" && part.type !== "file" && part.type !== "audio") return part;
  const { media } = part;
  if (media.platform !== "local") return part;
  const bytes = await readBounded(media.id, copies.maxBytes);
  if (!bytes) return part;
  const fileName = media.fileName ?? basename(media.id);
  const id = await copies.files.put(bytes, { fileName, mimeType: media.mimeType }, now);
  const stored = { platform: "stored", id, fileName, sizeBytes: bytes.length, ...(media.mimeType ? { mimeType: media.mimeType } : {}) };
  return { ...part, media: stored };
}
