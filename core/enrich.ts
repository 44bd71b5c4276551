import type { MediaPort } from "./media.ts";
import { mediaTooBig } from "./media-size.ts";
import type { FetchedMedia } from "./types/adapter.ts";
import type { AgentInput } from "./types/agent.ts";
import { translate, type Locale } from "./i18n/catalogue.ts";
import { localizedError, toBridgeError, userMessage, type BridgeError } from "./types/errors.ts";
import type { Attachment, MediaRef } from "./types/message.ts";

export interface MediaLimits {
  maxBytes: number;
  maxAudioSec: number;
  maxImagePx: number;
}

export interface EnrichDeps {
  media: MediaPort | undefined;
  fetchMedia(ref: MediaRef): Promise<FetchedMedia>;
  limits: MediaLimits;
  acceptsImages: boolean;
  signal: AbortSignal;
  /** Transcription and OCR of one attachment give up after this. */
  timeoutMs?: number;
  /** The language of the notices (default `en`). */
  locale?: Locale;
}

export interface Enriched {
  input: AgentInput;
  /** Short explanations for the chat: what could not be used, and why. */
  notices: string[];
}

async function fetchWithinLimit(ref: MediaRef, deps: EnrichDeps): Promise<FetchedMedia> {
  if (ref.sizeBytes !== undefined && ref.sizeBytes > deps.limits.maxBytes) {
    throw mediaTooBig(ref.sizeBytes, deps.limits.maxBytes);
  }
  const fetched = await deps.fetchMedia(ref);
  if (fetched.bytes.length > deps.limits.maxBytes) {
    throw mediaTooBig(fetched.bytes.length, deps.limits.maxBytes);
  }
  return fetched;
}

async function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, deps: EnrichDeps, what: "media.transcribing" | "media.readingImage"): Promise<T> {
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(deps.timeoutMs ?? 60_000)]);
  try {
    return await work(signal);
  } catch (thrown) {
    if (signal.aborted && !deps.signal.aborted) throw localizedError("timeout", "media.tookTooLong", { what: { key: what } }, { cause: thrown });
    throw thrown;
  }
}

export async function enrichAudio(attachment: Extract<Attachment, { type: "audio" }>, deps: EnrichDeps): Promise<Attachment> {
  const tooLong = (seconds: number) =>
    localizedError("unsupported", "media.voiceTooLong", { seconds: Math.round(seconds), max: deps.limits.maxAudioSec });
  if (attachment.durationSec !== undefined && attachment.durationSec > deps.limits.maxAudioSec) throw tooLong(attachment.durationSec);
  if (attachment.transcript) return attachment;
  if (!deps.media || deps.media.sttName === "none") {
    throw localizedError("unsupported", "media.noSpeechToText");
  }
  const media = deps.media;
  const audio = await fetchWithinLimit(attachment.media, deps);
  const transcript = await withTimeout((signal) => media.transcribe(audio, signal), deps, "media.transcribing");
  if (transcript.durationSec > deps.limits.maxAudioSec) throw tooLong(transcript.durationSec);
  return { ...attachment, durationSec: transcript.durationSec, transcript: transcript.text || "(nothing audible)" };
}

/** Whether a transcript says one of the bot's names ("@pincer_bot" is heard as "pincer bot"); CJK names match anywhere. */
export function saysName(transcript: string, names: readonly string[]): boolean {
  const text = transcript.toLowerCase();
  return names.some((name) => {
    const words = name.toLowerCase().replace(/^@/, "").split(/[\s_-]+/).filter(Boolean);
    if (words.length === 0) return false;
    const phrase = words.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[\\s_-]*");
    if (/\p{Script=Han}/u.test(phrase)) return new RegExp(phrase, "u").test(text);
    return new RegExp(`(^|[^\\p{L}\\p{N}])${phrase}($|[^\\p{L}\\p{N}])`, "u").test(text);
  });
}

/**
 * Stage 5: voice becomes a transcript, an image becomes a picture for an agent that sees or its
 * text (OCR) for one that does not. What cannot be used is dropped with a notice for the chat.
 */
export async function enrich(input: AgentInput, deps: EnrichDeps): Promise<Enriched> {
  const notices: string[] = [];
  const attachments: Attachment[] = [];
  const images = [...input.images];
  for (const attachment of input.attachments) {
    try {
      switch (attachment.type) {
        case "audio":
          attachments.push(await enrichAudio(attachment, deps));
          break;
        case "image": {
          if (!deps.media) throw localizedError("unsupported", "media.noImages");
          const media = deps.media;
          const image = await fetchWithinLimit(attachment.media, deps);
          if (deps.acceptsImages) {
            images.push(await media.prepareImage(image, deps.limits.maxImagePx));
            attachments.push(attachment);
          } else {
            const text = await withTimeout((signal) => media.readText(image, signal), deps, "media.readingImage");
            attachments.push({ ...attachment, text: text || "(no text found in the image)" });
          }
          break;
        }
        case "video":
          throw localizedError("unsupported", "media.noVideo");
        case "file":
          attachments.push(attachment);
          break;
      }
    } catch (thrown) {
      const error = toBridgeError(thrown);
      if (deps.signal.aborted) throw error;
      notices.push(noticeOf(error, deps.locale ?? "en"));
    }
  }
  return { input: { ...input, attachments, images }, notices };
}

/** What the chat is told about an attachment that could not be used. */
function noticeOf(error: BridgeError, locale: Locale): string {
  if (error.code === "internal") return translate(locale, "media.unusable");
  return error.text ? userMessage(error, locale) : error.message;
}
