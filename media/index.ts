import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { MediaConfig } from "../core/config.ts";
import type { MediaPort } from "../core/media.ts";
import { BridgeError } from "../core/types/errors.ts";
import { decodeToWav } from "./audio/decode.ts";
import { findFfmpeg } from "./audio/ffmpeg.ts";
import { encodeSilk } from "./audio/silk.ts";
import { prepareImage } from "./image/downscale.ts";
import { createOcr } from "./image/ocr.ts";
import { chooseStt } from "./stt/choose.ts";
import { chooseTts } from "./tts/choose.ts";
import { speakableText } from "./tts/speakable.ts";

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
  // Voice replies are asked for by name: a provider that cannot work stops start-up.
  const tts = await chooseTts({
    provider: config.tts.provider,
    ...(config.tts.openai ? { openai: config.tts.openai } : {}),
    ...(config.tts.voice ? { espeak: { voice: config.tts.voice } } : {}),
  });
  const voiceDir = join(dataDir, "voice");
  const ocr = createOcr({ cacheDir: join(dataDir, "ocr") });
  let ffmpegPath: Promise<string> | undefined;
  /** Looked up once, on first use; a failed look-up is tried again next time. */
  const ffmpeg = (signal: AbortSignal) =>
    (ffmpegPath ??= findFfmpeg(signal).catch((thrown: unknown) => {
      ffmpegPath = undefined;
      throw thrown;
    }));

  return {
    get sttName() {
      return sttName;
    },
    async transcribe(audio, signal) {
      const stt = await choosing;
      if (!stt) throw new BridgeError("unsupported", "I can't listen to voice messages here: no speech-to-text is configured (STT_PROVIDER).");
      const decoded = await decodeToWav(audio, { signal, ffmpegPath: await ffmpeg(signal), maxDurationSec: config.limits.maxAudioSec });
      return { text: await stt.transcribe(decoded.wav, signal), durationSec: decoded.durationSec };
    },
    ttsName: tts?.name ?? "none",
    async speak(text, signal, format = "ogg-opus") {
      if (!tts) throw new BridgeError("unsupported", "Voice replies are off (TTS_PROVIDER).");
      const note = await tts.speak(speakableText(text), signal);
      // WeChat plays SILK voice only: the OGG/Opus note is decoded and encoded again.
      const voice =
        format === "silk"
          ? { ...(await encodeSilk((await decodeToWav(note, { signal, ffmpegPath: await ffmpeg(signal) })).wav)), mimeType: "audio/silk", extension: "sil" }
          : { ...note, extension: "ogg" };
      await mkdir(voiceDir, { recursive: true });
      const path = join(voiceDir, `${randomUUID()}.${voice.extension}`);
      await writeFile(path, voice.bytes, { mode: 0o600 });
      return {
        media: { platform: "local", id: path, mimeType: voice.mimeType, sizeBytes: voice.bytes.length, fileName: `voice-reply.${voice.extension}` },
        durationSec: voice.durationSec,
      };
    },
    readText: (image, signal) => ocr.readText(image, signal),
    prepareImage: (image, maxPx) => prepareImage(image, maxPx),
    close: () => ocr.close(),
  };
}
