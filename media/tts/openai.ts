import OpenAI from "openai";
import { BridgeError } from "../../core/types/errors.ts";
import type { TextToSpeech } from "./text-to-speech.ts";
import { toVoiceNote } from "./voice-note.ts";

export interface OpenAiTtsOptions {
  /** Any OpenAI-compatible API root with `/audio/speech` (OpenAI, a local Kokoro or Piper server…); the SDK's default when absent. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** tts-1, gpt-4o-mini-tts, kokoro… */
  model: string;
  /** alloy, nova, af_heart… */
  voice: string;
  /** For the whole reply: the request, its retries and the conversion (default 60 s). */
  timeoutMs?: number;
  maxRetries?: number;
  /** From `findFfmpeg()`; looked up on each reply when absent. */
  ffmpegPath?: string;
}

interface HttpishError {
  status?: number;
  headers?: { get(name: string): string | null };
}

function retryAfterMs(thrown: unknown): number | undefined {
  const seconds = Number((thrown as HttpishError | undefined)?.headers?.get?.("retry-after") ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function serviceError(thrown: unknown): BridgeError {
  const status = (thrown as HttpishError | undefined)?.status;
  if (status === 401 || status === 403) {
    return new BridgeError("unauthorized", `The text-to-speech service refused the credentials (HTTP ${status}): check TTS_API_KEY.`, { cause: thrown });
  }
  if (status === 429) {
    return new BridgeError("rate-limited", "The text-to-speech service is rate-limiting us (HTTP 429). Try again in a minute.", {
      cause: thrown,
      retryAfterMs: retryAfterMs(thrown),
    });
  }
  if (status === 400 || status === 404 || status === 422) {
    return new BridgeError("upstream", `The text-to-speech service refused the request (HTTP ${status}): check TTS_MODEL and TTS_VOICE.`, { cause: thrown });
  }
  if (status !== undefined) {
    return new BridgeError("upstream", `The text-to-speech service failed (HTTP ${status}).`, { cause: thrown });
  }
  return new BridgeError("upstream", "The text-to-speech service could not be reached.", { cause: thrown });
}

async function requestSpeech(
  client: OpenAI,
  request: { model: string; voice: string; input: string },
  signal: AbortSignal,
): Promise<Uint8Array> {
  try {
    const response = await client.audio.speech.create({ ...request, response_format: "opus" }, { signal });
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw serviceError(error);
  }
}

/**
 * POST /audio/speech through the official SDK, asking for Opus; whatever comes back is re-encoded
 * to an OGG/Opus mono voice note, since compatible servers differ in what they send.
 */
export function createOpenAiTts(options: OpenAiTtsOptions): TextToSpeech {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = new OpenAI({
    baseURL: options.baseUrl ?? null,
    // Local speech servers need no key; the SDK insists on one.
    apiKey: options.apiKey ?? "no-key",
    maxRetries: options.maxRetries ?? 2,
    timeout: timeoutMs,
  });
  return {
    name: `openai (${options.model}, ${options.voice})`,
    async speak(text, signal) {
      if (signal.aborted) throw new BridgeError("aborted", "Stopped.");
      if (text.trim() === "") throw new BridgeError("bad-input", "There is nothing to say.");
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs);
      const either = AbortSignal.any([signal, deadline.signal]);
      try {
        const audio = await requestSpeech(client, { model: options.model, voice: options.voice, input: text }, either);
        return await toVoiceNote(audio, { signal: either, timeoutMs, ffmpegPath: options.ffmpegPath });
      } catch (error) {
        if (signal.aborted) throw new BridgeError("aborted", "Stopped.", { cause: error });
        if (deadline.signal.aborted) throw new BridgeError("timeout", "Making the voice reply took too long.", { cause: error });
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
