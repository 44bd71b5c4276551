import type OpenAI from "openai";
import { serviceError } from "../../core/service-error.ts";
import { createOpenAiClient } from "../openai-client.ts";
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

const wording = { service: "errors.service.textToSpeech", keyVariable: "TTS_API_KEY", rejectedHint: "errors.service.voiceHint" } as const;

async function requestSpeech(
  client: OpenAI,
  request: { model: string; voice: string; input: string },
  signal: AbortSignal,
): Promise<Uint8Array> {
  try {
    const response = await client.audio.speech.create({ ...request, response_format: "opus" }, { signal });
    return new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    throw serviceError(error, wording);
  }
}

/**
 * POST /audio/speech through the official SDK, asking for Opus; whatever comes back is re-encoded
 * to an OGG/Opus mono voice note, since compatible servers differ in what they send.
 */
export function createOpenAiTts(options: OpenAiTtsOptions): TextToSpeech {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = createOpenAiClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs, maxRetries: options.maxRetries });
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
