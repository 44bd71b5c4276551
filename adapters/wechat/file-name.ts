import { extname } from "node:path";

const extensions: Record<string, string> = {
  "image/png": ".png",
  "image/jpeg": ".jpg",
  "image/gif": ".gif",
  "image/webp": ".webp",
  "audio/ogg": ".ogg",
  "audio/mpeg": ".mp3",
  "audio/wav": ".wav",
  "audio/silk": ".sil",
  "video/mp4": ".mp4",
  "application/pdf": ".pdf",
  "text/plain": ".txt",
};

/**
 * The name a file is sent under. Puppets tell an image from a file by the name's extension, so a
 * name without one gets the extension of its media type.
 */
export function fileNameFor(fileName: string | undefined, mimeType: string): string {
  const base = fileName?.trim() || "file";
  if (extname(base)) return base;
  return `${base}${extensions[mimeType.split(";")[0]!.trim().toLowerCase()] ?? ".bin"}`;
}
