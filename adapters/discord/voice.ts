/**
 * What Discord needs to show an OGG/Opus file as a voice message: its duration (the last page's granule
 * position counts 48 kHz samples, less the OpusHead's pre-skip; RFC 7845) and a waveform (base64 of up to 256
 * amplitude bytes). The waveform is drawn flat: the bars are decoration, and decoding is media/'s business.
 */
export interface VoiceMetadata {
  durationSec: number;
  waveform: string;
}

const ascii = (bytes: Uint8Array, offset: number, text: string) => [...text].every((char, at) => bytes[offset + at] === char.charCodeAt(0));

export function voiceMetadata(bytes: Uint8Array): VoiceMetadata | undefined {
  if (bytes.length < 47 || !ascii(bytes, 0, "OggS")) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const firstBody = 27 + bytes[26]!;
  if (!ascii(bytes, firstBody, "OpusHead")) return undefined;
  const preSkip = view.getUint16(firstBody + 10, true);
  let granule = -1n;
  for (let offset = 0; offset + 27 <= bytes.length && ascii(bytes, offset, "OggS"); ) {
    const segments = bytes[offset + 26]!;
    let bodyBytes = 0;
    for (let at = 0; at < segments; at++) bodyBytes += bytes[offset + 27 + at] ?? 0;
    const pageGranule = view.getBigInt64(offset + 6, true);
    if (pageGranule >= 0n) granule = pageGranule;
    offset += 27 + segments + bodyBytes;
  }
  if (granule < 0n) return undefined;
  const durationSec = Math.max(0, Number(granule) - preSkip) / 48_000;
  return { durationSec: Math.round(durationSec * 100) / 100, waveform: Buffer.alloc(64, 96).toString("base64") };
}
