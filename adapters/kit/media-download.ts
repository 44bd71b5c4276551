/**
 * A download's bytes, refused past `maxBytes`, never truncated: by the length it declares before anything is read
 * (`tooBig` gets that length), else as soon as what arrives passes the limit (`tooBig` gets undefined: the file's
 * size is not known). A refused body is cancelled (a web stream) or destroyed (a Node one).
 */
export async function readLimited(
  body: AsyncIterable<Uint8Array>,
  maxBytes: number,
  tooBig: (sizeBytes: number | undefined) => Error,
  declaredBytes = Number.NaN,
): Promise<Buffer> {
  if (declaredBytes > maxBytes) {
    await body[Symbol.asyncIterator]().return?.();
    throw tooBig(declaredBytes);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  // Leaving the loop by the throw ends the iteration, which cancels the rest of the body.
  for await (const chunk of body) {
    total += chunk.length;
    if (total > maxBytes) throw tooBig(undefined);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** The type of a file from its first bytes, for platforms whose storage answers with a generic one. */
export function sniffMimeType(bytes: Uint8Array, fallback: string): string {
  const starts = (...prefix: number[]) => prefix.every((byte, index) => bytes[index] === byte);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return "image/png";
  if (starts(0xff, 0xd8, 0xff)) return "image/jpeg";
  if (starts(0x47, 0x49, 0x46, 0x38)) return "image/gif";
  if (starts(0x23, 0x21, 0x41, 0x4d, 0x52)) return "audio/amr";
  if (starts(0x4f, 0x67, 0x67, 0x53)) return "audio/ogg";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x41) return "audio/wav";
  if (starts(0x52, 0x49, 0x46, 0x46) && bytes[8] === 0x57 && bytes[9] === 0x45) return "image/webp";
  if (starts(0x25, 0x50, 0x44, 0x46)) return "application/pdf";
  if (bytes[4] === 0x66 && bytes[5] === 0x74 && bytes[6] === 0x79 && bytes[7] === 0x70) return bytes[8] === 0x4d && bytes[9] === 0x34 && bytes[10] === 0x41 ? "audio/mp4" : "video/mp4";
  return fallback;
}
