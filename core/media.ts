import type { FetchedMedia, VoiceFormat } from "./types/adapter.ts";
import type { MediaRef } from "./types/message.ts";

export interface Transcript {
  text: string;
  durationSec: number;
}

export interface SpokenReply {
  /** A `local` media reference: the adapter reads the file. */
  media: MediaRef;
  durationSec: number;
}

export interface PreparedImage {
  mimeType: "image/jpeg" | "image/png";
  /** Small enough to send: the longest side is at most the configured size. */
  base64: string;
  width: number;
  height: number;
}

/**
 * Stage 5's port: what `media/` does with voice and images. Errors are BridgeErrors whose message
 * can go to the chat as it is ("I could not decode this voice message.").
 */
export interface MediaPort {
  /** The speech-to-text in use, for `/status`: "openai (whisper-1)", "pocketsphinx", "none". */
  sttName: string;
  /** Decodes any platform's voice format to 16 kHz mono WAV, then transcribes it. */
  transcribe(audio: FetchedMedia, signal: AbortSignal): Promise<Transcript>;
  /** The text in an image, by OCR (English and Simplified Chinese). */
  readText(image: FetchedMedia, signal: AbortSignal): Promise<string>;
  /** Downscaled (longest side at most `maxPx`) and re-encoded for a vision model. */
  prepareImage(image: FetchedMedia, maxPx: number): Promise<PreparedImage>;
  /** The text-to-speech for voice replies, for `/status`; "none" when voice replies are off. */
  ttsName: string;
  /** Speaks an answer (plain text) as a voice note in the platform's format (default OGG/Opus): a file in the data directory. */
  speak(text: string, signal: AbortSignal, format?: VoiceFormat): Promise<SpokenReply>;
  /** Ends background workers (OCR). */
  close(): Promise<void>;
}
