/**
 * SILK v3, WeChat's voice format. WeChat's files start with a 0x02 byte before the "#!SILK_V3"
 * magic; other SILK files do not. silk-wasm decodes only the first kind, so the byte is added.
 */

const magic = new TextEncoder().encode("#!SILK_V3");
const wechatPrefix = 0x02;

function hasMagicAt(bytes: Uint8Array, offset: number): boolean {
  if (bytes.length < offset + magic.length) return false;
  return magic.every((byte, index) => bytes[offset + index] === byte);
}

export function isSilk(bytes: Uint8Array): boolean {
  return hasMagicAt(bytes, 0) || (bytes[0] === wechatPrefix && hasMagicAt(bytes, 1));
}

/** Decodes SILK to mono 16-bit PCM at `sampleRateHz` (8000 to 48000). Throws on a broken file. */
export async function decodeSilk(bytes: Uint8Array, sampleRateHz: number): Promise<Uint8Array> {
  // Loaded on first use: the WebAssembly module costs start-up time that only WeChat voice needs.
  const { decode } = await import("silk-wasm");
  const input = hasMagicAt(bytes, 0) ? withPrefix(bytes) : bytes;
  const { data } = await decode(input, sampleRateHz);
  return data;
}

function withPrefix(bytes: Uint8Array): Uint8Array {
  const prefixed = new Uint8Array(bytes.length + 1);
  prefixed[0] = wechatPrefix;
  prefixed.set(bytes, 1);
  return prefixed;
}

export interface SilkVoice {
  /** WeChat's SILK: the 0x02 byte, then "#!SILK_V3". */
  bytes: Uint8Array;
  durationSec: number;
}

/** Encodes a mono 16-bit WAV (what `decodeToWav` makes) as WeChat voice (SILK). */
export async function encodeSilk(wav: Uint8Array): Promise<SilkVoice> {
  const { encode } = await import("silk-wasm");
  const { data, duration } = await encode(wav, 0);
  return { bytes: hasMagicAt(data, 0) ? withPrefix(data) : data, durationSec: duration / 1000 };
}
