/**
 * The audio containers the platforms send, named as ffmpeg's demuxers take them with `-f`: ffmpeg is
 * told what to read instead of guessing from the bytes (it would follow a playlist or a concat list).
 */
export type AudioContainer = "ogg" | "amr" | "mp4" | "webm" | "wav" | "mp3" | "aac";

const ascii = (bytes: Uint8Array, start: number, end: number) => new TextDecoder("latin1").decode(bytes.subarray(start, end));

/** The container a file's first bytes announce, if it is one of ours. */
export function sniffContainer(bytes: Uint8Array): AudioContainer | undefined {
  if (ascii(bytes, 0, 4) === "OggS") return "ogg";
  if (ascii(bytes, 0, 6) === "#!AMR\n") return "amr";
  if (ascii(bytes, 4, 8) === "ftyp") return "mp4";
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) return "webm";
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WAVE") return "wav";
  if (ascii(bytes, 0, 3) === "ID3") return "mp3";
  if (bytes[0] === 0xff && bytes[1] !== undefined && (bytes[1] & 0xf6) === 0xf0) return "aac";
  if (bytes[0] === 0xff && bytes[1] !== undefined && (bytes[1] & 0xe0) === 0xe0) return "mp3";
  return undefined;
}

const byType: Record<string, AudioContainer> = {
  "audio/ogg": "ogg", "audio/opus": "ogg", "application/ogg": "ogg",
  "audio/amr": "amr",
  "audio/mp4": "mp4", "audio/m4a": "mp4", "audio/x-m4a": "mp4", "video/mp4": "mp4", "audio/aac": "aac",
  "audio/webm": "webm", "video/webm": "webm",
  "audio/wav": "wav", "audio/x-wav": "wav", "audio/wave": "wav",
  "audio/mpeg": "mp3", "audio/mp3": "mp3",
};

const byExtension: Record<string, AudioContainer> = {
  ogg: "ogg", oga: "ogg", opus: "ogg", amr: "amr", m4a: "mp4", mp4: "mp4", aac: "aac", webm: "webm", wav: "wav", mp3: "mp3",
};

/** What the bytes announce, else what the platform said (MIME type, then file extension). */
export function audioContainer(audio: { bytes: Uint8Array; mimeType?: string | undefined; fileName?: string | undefined }): AudioContainer | undefined {
  const extension = audio.fileName?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  return sniffContainer(audio.bytes) ?? byType[audio.mimeType?.split(";")[0]?.trim().toLowerCase() ?? ""] ?? (extension ? byExtension[extension] : undefined);
}
