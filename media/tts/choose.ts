import { assertNever, BridgeError } from "../../core/types/errors.ts";
import { findFfmpeg } from "../audio/ffmpeg.ts";
import { createEspeakTts, isEspeakAvailable, type EspeakTtsOptions } from "./espeak.ts";
import type { OpenAiTtsOptions } from "./openai.ts";
import type { TextToSpeech } from "./text-to-speech.ts";

export interface TtsChoice {
  provider: "none" | "openai" | "espeak-ng";
  /** Present when an OpenAI-compatible endpoint is configured (TTS_BASE_URL or TTS_API_KEY). */
  openai?: Omit<OpenAiTtsOptions, "ffmpegPath">;
  /** The espeak-ng voice (TTS_VOICE) and the like. */
  espeak?: Omit<EspeakTtsOptions, "ffmpegPath">;
  /** For tests; default: run `espeak-ng` with the voice. */
  isEspeakAvailable?: () => Promise<boolean>;
  /** For tests; default: `findFfmpeg()`. */
  findFfmpeg?: () => Promise<string>;
}

/** Both providers re-encode with ffmpeg, so it is looked up once, here. */
async function ffmpegFor(choice: TtsChoice): Promise<string> {
  try {
    return await (choice.findFfmpeg ?? (() => findFfmpeg()))();
  } catch (error) {
    throw new BridgeError(
      "config",
      `TTS_PROVIDER is ${choice.provider}, but voice replies need ffmpeg: apt-get install ffmpeg, or npm ci without --omit=optional.`,
      { cause: error },
    );
  }
}

/** The openai SDK is loaded only when this provider is chosen. */
async function openAi(options: OpenAiTtsOptions): Promise<TextToSpeech> {
  const { createOpenAiTts } = await import("./openai.ts");
  return createOpenAiTts(options);
}

/**
 * The text-to-speech for voice replies, or undefined for none. A provider asked for by name that
 * cannot work is a configuration error that says what to set or install.
 */
export async function chooseTts(choice: TtsChoice): Promise<TextToSpeech | undefined> {
  switch (choice.provider) {
    case "none":
      return undefined;
    case "openai":
      if (!choice.openai) {
        throw new BridgeError("config", "TTS_PROVIDER is openai: set TTS_BASE_URL or TTS_API_KEY (and TTS_MODEL, TTS_VOICE).");
      }
      return openAi({ ...choice.openai, ffmpegPath: await ffmpegFor(choice) });
    case "espeak-ng": {
      const voice = choice.espeak?.voice;
      const isInstalled = choice.isEspeakAvailable ?? (() => isEspeakAvailable({ voice, command: choice.espeak?.command }));
      if (!(await isInstalled())) {
        throw new BridgeError(
          "config",
          `TTS_PROVIDER is espeak-ng, but espeak-ng${voice ? ` or its voice "${voice}" (TTS_VOICE)` : ""} is missing: apt-get install espeak-ng; espeak-ng --voices lists the voices.`,
        );
      }
      return createEspeakTts({ ...choice.espeak, ffmpegPath: await ffmpegFor(choice) });
    }
    default:
      return assertNever(choice.provider);
  }
}
