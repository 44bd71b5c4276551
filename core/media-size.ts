import { localizedError, type BridgeError } from "./types/errors.ts";

/** A size as the chat reads it: decimal megabytes with one decimal, kilobytes below one megabyte. */
export const readableSize = (bytes: number): string => (bytes >= 1e6 ? `${Math.round(bytes / 1e5) / 10} MB` : `${Math.ceil(bytes / 1000)} KB`);

/** "That file is too big (…; the limit is …)", in the chat's language. */
export const mediaTooBig = (sizeBytes: number, maxBytes: number): BridgeError =>
  localizedError("unsupported", "media.tooBig", { size: readableSize(sizeBytes), limit: readableSize(maxBytes) });
