import { toFile } from "openai";
import { serviceError } from "../../core/service-error.ts";
import { createOpenAiClient } from "../openai-client.ts";
import { BridgeError } from "../../core/types/errors.ts";
import type { SpeechToText } from "./speech-to-text.ts";

export interface OpenAiSttOptions {
  /** Any OpenAI-compatible API root (OpenAI, Groq, SiliconFlow, a whisper.cpp or faster-whisper server); the SDK's default when absent. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** whisper-1, whisper-large-v3, FunAudioLLM/SenseVoiceSmall… */
  model: string;
  /** For the whole transcription, retries included (default 60 s). */
  timeoutMs?: number;
  maxRetries?: number;
}

const wording = { service: "errors.service.speechToText", keyVariable: "STT_API_KEY" } as const;

/** POST /audio/transcriptions through the official SDK, the WAV sent as `voice.wav`. */
export function createOpenAiStt(options: OpenAiSttOptions): SpeechToText {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const client = createOpenAiClient({ baseUrl: options.baseUrl, apiKey: options.apiKey, timeoutMs, maxRetries: options.maxRetries });
  return {
    name: `openai (${options.model})`,
    async transcribe(wav, signal) {
      if (signal.aborted) throw new BridgeError("aborted", "Stopped.");
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs);
      try {
        const file = await toFile(wav, "voice.wav", { type: "audio/wav" });
        const result = await client.audio.transcriptions.create(
          { file, model: options.model },
          { signal: AbortSignal.any([signal, deadline.signal]) },
        );
        return result.text.trim();
      } catch (error) {
        if (signal.aborted) throw new BridgeError("aborted", "Stopped.", { cause: error });
        if (deadline.signal.aborted) {
          throw new BridgeError("timeout", "Transcribing this voice message took too long.", { cause: error });
        }
        throw serviceError(error, wording);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
