import { localizedError, type BridgeError } from "./types/errors.ts";

/** A size as the chat reads it: decimal megabytes with one decimal, kilobytes below one megabyte. */
export const readableSize = (bytes: number): string => (bytes >= 1e6 ? `${Math.round(bytes / 1e5) / 10} MB` : `${Math.ceil(bytes / 1000)} KB`);

/**
 * "That file is too big (…; the limit is …)", in the chat's language; "(over …)" when its size is not known (a download
 * refused once it passed the limit: what was read by then is not the file's size).
 */
export const mediaTooBig = (sizeBytes: number | undefined, maxBytes: number): BridgeError =>
  sizeBytes === undefined
    ? localizedError("unsupported", "media.tooBigOver", { limit: readableSize(maxBytes) })
    : localizedError("unsupported", "media.tooBig", { size: readableSize(sizeBytes), limit: readableSize(maxBytes) });
