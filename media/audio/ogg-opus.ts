/**
 * Reads the facts a voice note needs from an OGG/Opus file without decoding it (RFC 7845): the
 * "OpusHead" of the first page, and the granule position of the last page, which counts 48 kHz
 * samples whatever rate the audio was made at.
 */

export interface OggOpusInfo {
  channels: number;
  /** Samples at 48 kHz the decoder drops at the start (the encoder's look-ahead). */
  preSkip: number;
  durationSec: number;
}

const opusGranuleRateHz = 48_000;
const pageHeaderBytes = 27;

function hasText(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

export function isOgg(bytes: Uint8Array): boolean {
  return hasText(bytes, 0, "OggS");
}

interface Page {
  granule: bigint;
  serial: number;
  bodyOffset: number;
  bodyBytes: number;
}

/** The OGG pages in order; stops at the first one that is cut short or does not start with "OggS". */
function* pages(bytes: Uint8Array): Generator<Page> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  while (offset + pageHeaderBytes <= bytes.length && hasText(bytes, offset, "OggS")) {
    const segments = bytes[offset + 26]!;
    const bodyOffset = offset + pageHeaderBytes + segments;
    if (bodyOffset > bytes.length) return;
    let bodyBytes = 0;
    for (let i = 0; i < segments; i++) bodyBytes += bytes[offset + pageHeaderBytes + i]!;
    if (bodyOffset + bodyBytes > bytes.length) return;
    yield { granule: view.getBigInt64(offset + 6, true), serial: view.getUint32(offset + 14, true), bodyOffset, bodyBytes };
    offset = bodyOffset + bodyBytes;
  }
}

/** Channels and duration of an OGG/Opus file; undefined when it is not one (or is broken). */
export function readOggOpus(bytes: Uint8Array): OggOpusInfo | undefined {
  const [first, ...rest] = pages(bytes);
  if (!first || first.bodyBytes < 19 || !hasText(bytes, first.bodyOffset, "OpusHead")) return undefined;
  const head = new DataView(bytes.buffer, bytes.byteOffset + first.bodyOffset, first.bodyBytes);
  const channels = head.getUint8(9);
  const preSkip = head.getUint16(10, true);
  // -1 marks a page on which no packet ends; only the first logical stream counts.
  const granules = rest.filter((page) => page.serial === first.serial && page.granule >= 0n).map((page) => page.granule);
  const lastGranule = granules.at(-1);
  if (lastGranule === undefined) return undefined;
  const samples = Math.max(0, Number(lastGranule) - preSkip);
  return { channels, preSkip, durationSec: samples / opusGranuleRateHz };
}
