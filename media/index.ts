import { join } from "node:path";
import type { MediaConfig } from "../core/config.ts";
import type { MediaPort } from "../core/media.ts";
import { BridgeError } from "../core/types/errors.ts";
import { decodeToWav } from "./audio/decode.ts";
import { findFfmpeg } from "./audio/ffmpeg.ts";
import { prepareImage } from "./image/downscale.ts";
import { createOcr } from "./image/ocr.ts";
import { chooseStt } from "./stt/choose.ts";

/**
 * Voice and images for pipeline stage 5. The speech-to-text is chosen at start (so `/status` can name it);
 * ffmpeg, sharp and the OCR worker are loaded on first use, so a gateway that never sees media pays nothing.
 */
export async function createMedia(config: MediaConfig, dataDir: string): Promise<MediaPort> {
  const choosing = chooseStt({
    provider: config.stt.provider,
    ...(config.stt.openai ? { openai: config.stt.openai } : {}),
    ...(config.stt.grammarPath ? { grammarPath: config.stt.grammarPath } : {}),
  });
  // A provider asked for by name must work, or start-up stops; `auto` looks for pocketsphinx in the background.
  if (config.stt.provider !== "auto") await choosing;
  let sttName = config.stt.provider === "auto" ? "auto (looking for one)" : "none";
  void choosing.then(
    (stt) => {
      sttName = stt?.name ?? "none";
    },
    () => undefined,
  );
  const ocr = createOcr({ cacheDir: join(dataDir, "ocr") });
  let ffmpegPath: Promise<string> | undefined;

  return {
    get sttName() {
      return sttName;
    },
    async transcribe(audio, signal) {
      const stt = await choosing;
      if (!stt) throw new BridgeError("unsupported", "I can't listen to voice messages here: no speech-to-text is configured (STT_PROVIDER).");
      ffmpegPath ??= findFfmpeg(signal).catch((thrown: unknown) => {
        ffmpegPath = undefined;
        throw thrown;
      });
      const decoded = await decodeToWav(audio, { signal, ffmpegPath: await ffmpegPath, maxDurationSec: config.limits.maxAudioSec });
      return { text: await stt.transcribe(decoded.wav, signal), durationSec: decoded.durationSec };
    },
    readText: (image, signal) => ocr.readText(image, signal),
    prepareImage: (image, maxPx) => prepareImage(image, maxPx),
    close: () => ocr.close(),
  };
}
