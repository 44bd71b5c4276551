/**
 * A command's output, bounded in bytes: past the limit the oldest bytes go (ACP truncates from the
 * beginning), cut at a character boundary so the text stays valid UTF-8.
 */
export interface BoundedOutput {
  append(chunk: Buffer): void;
  text(): string;
  isTruncated(): boolean;
}

const isContinuationByte = (byte: number) => (byte & 0xc0) === 0x80;

export function createBoundedOutput(limitBytes: number): BoundedOutput {
  let chunks: Buffer[] = [];
  let totalBytes = 0;
  let isCut = false;

  const compact = () => {
    const all = Buffer.concat(chunks);
    let start = Math.max(all.length - limitBytes, 0);
    if (start > 0) {
      isCut = true;
      while (start < all.length && isContinuationByte(all[start]!)) start += 1;
    }
    chunks = [all.subarray(start)];
    totalBytes = chunks[0]!.length;
  };

  return {
    append(chunk) {
      chunks.push(chunk);
      totalBytes += chunk.length;
      // Compacting only past twice the limit keeps appends cheap for chatty commands.
      if (totalBytes > limitBytes * 2) compact();
    },
    text() {
      if (totalBytes > limitBytes) compact();
      return Buffer.concat(chunks).toString("utf8");
    },
    isTruncated() {
      if (totalBytes > limitBytes) compact();
      return isCut;
    },
  };
}
