import { createHash } from "node:crypto";

/** What a stored file was called and what it is; the first name stored for the bytes is kept. */
export interface StoredFileMeta {
  fileName?: string | undefined;
  mimeType?: string | undefined;
}

export interface StoredFile extends StoredFileMeta {
  bytes: Uint8Array;
}

/**
 * File bytes every process sharing the store can read: a local file a reply carries is copied here before its
 * outbox row is written, so another process can send the part after a crash or a long retry_after.
 * Content-addressed: the id is the bytes' sha256 (hex), so the same file stored twice is one row.
 * Retention removes files that no unfinished outbox row refers to (`RetentionStore.prune`).
 */
export interface FileStore {
  /** Stores the bytes (once, however often) and returns their id; storing them again counts as a new use for retention. */
  put(bytes: Uint8Array, meta: StoredFileMeta, now: number): Promise<string>;
  get(id: string): Promise<StoredFile | undefined>;
}

/** A stored file's id: the sha256 of its bytes, in hex. */
export const fileIdOf = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
