/** 16-bit PCM WAV: the one format speech-to-text gets. */

const headerBytes = 44;
const bytesPerSample = 2;

/** Wraps mono 16-bit little-endian PCM in the canonical 44-byte WAV header. */
export function pcmToWav(pcm: Uint8Array, sampleRateHz: number): Uint8Array {
  const dataBytes = pcm.length - (pcm.length % bytesPerSample);
  const wav = new Uint8Array(headerBytes + dataBytes);
  const view = new DataView(wav.buffer);
  const ascii = (offset: number, text: string) => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, "RIFF");
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, "WAVE");
  ascii(12, "fmt ");
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * bytesPerSample, true); // byte rate
  view.setUint16(32, bytesPerSample, true); // block align
  view.setUint16(34, 8 * bytesPerSample, true); // bits per sample
  ascii(36, "data");
  view.setUint32(40, dataBytes, true);
  wav.set(pcm.subarray(0, dataBytes), headerBytes);
  return wav;
}

/** Seconds of mono 16-bit PCM at the given rate. */
export function pcmDurationSec(pcmBytes: number, sampleRateHz: number): number {
  return pcmBytes / bytesPerSample / sampleRateHz;
}
