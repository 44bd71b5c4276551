import { access } from "node:fs/promises";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import type { OpenAiSttOptions } from "./openai.ts";
import { createPocketsphinxStt, isPocketsphinxAvailable } from "./pocketsphinx.ts";
import type { SpeechToText } from "./speech-to-text.ts";

export interface SttChoice {
  provider: "auto" | "openai" | "pocketsphinx" | "none";
  /** Present when an OpenAI-compatible endpoint is configured (STT_BASE_URL or STT_API_KEY). */
  openai?: OpenAiSttOptions;
  /** A JSGF grammar for pocketsphinx (STT_GRAMMAR). */
  grammarPath?: string;
  /** For tests; defaults to running `pocketsphinx_continuous`. */
  isPocketsphinxAvailable?: () => Promise<boolean>;
}

/** The openai SDK is loaded only when this provider is chosen. */
async function openAi(options: OpenAiSttOptions): Promise<SpeechToText> {
  const { createOpenAiStt } = await import("./openai.ts");
  return createOpenAiStt(options);
}

async function pocketsphinx(choice: SttChoice): Promise<SpeechToText> {
  if (choice.grammarPath) {
    try {
      await access(choice.grammarPath);
    } catch (error) {
      throw new BridgeError("config", `STT_GRAMMAR: cannot read ${choice.grammarPath}`, { cause: error });
    }
  }
  return createPocketsphinxStt({ grammarPath: choice.grammarPath });
}

/**
 * The speech-to-text in use, or undefined for none. `auto` takes the OpenAI-compatible endpoint
 * when one is configured, else pocketsphinx when installed, else none.
 */
export async function chooseStt(choice: SttChoice): Promise<SpeechToText | undefined> {
  const isInstalled = choice.isPocketsphinxAvailable ?? (() => isPocketsphinxAvailable());
  switch (choice.provider) {
    case "none":
      return undefined;
    case "openai":
      if (!choice.openai) {
        throw new BridgeError("config", "STT_PROVIDER is openai: set STT_BASE_URL or STT_API_KEY (and STT_MODEL).");
      }
      return openAi(choice.openai);
    case "pocketsphinx":
      if (!(await isInstalled())) {
        throw new BridgeError(
          "config",
          "STT_PROVIDER is pocketsphinx, but pocketsphinx_continuous or its model is missing: apt-get install pocketsphinx pocketsphinx-en-us.",
        );
      }
      return pocketsphinx(choice);
    case "auto":
      if (choice.openai) return openAi(choice.openai);
      if (await isInstalled()) return pocketsphinx(choice);
      return undefined;
    default:
      return assertNever(choice.provider);
  }
}
