import { describe, expect, it } from "vitest";
import { BridgeError } from "../../../core/types/errors.ts";
import { chooseTts } from "../../../media/tts/choose.ts";
import { rejection } from "../../support/rejection.ts";

const openai = { baseUrl: "http://127.0.0.1:9/v1", apiKey: undefined, model: "tts-1", voice: "alloy" };
const installed = async () => true;
const missing = async () => false;
const ffmpeg = async () => "/usr/bin/ffmpeg";
const noFfmpeg = async () => {
  throw new BridgeError("unsupported", "Voice messages need ffmpeg");
};

async function configError(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error.code).toBe("config");
  return error.message;
}

describe("chooseTts", () => {
  it("none is none, even when an endpoint is configured", async () => {
    expect(await chooseTts({ provider: "none", openai, findFfmpeg: ffmpeg })).toBeUndefined();
  });

  it("openai takes the configured endpoint", async () => {
    const tts = await chooseTts({ provider: "openai", openai, findFfmpeg: ffmpeg });
    expect(tts?.name).toBe("openai (tts-1, alloy)");
  });

  it("openai without an endpoint names the variables to set", async () => {
    expect(await configError(chooseTts({ provider: "openai", findFfmpeg: ffmpeg }))).toContain("TTS_BASE_URL or TTS_API_KEY");
  });

  it("espeak-ng takes the voice when it is installed", async () => {
    const tts = await chooseTts({ provider: "espeak-ng", espeak: { voice: "de" }, isEspeakAvailable: installed, findFfmpeg: ffmpeg });
    expect(tts?.name).toBe("espeak-ng (de)");
  });

  it("espeak-ng when it is not installed names the package to install and the voice", async () => {
    const message = await configError(chooseTts({ provider: "espeak-ng", espeak: { voice: "alloy" }, isEspeakAvailable: missing, findFfmpeg: ffmpeg }));
    expect(message).toContain("TTS_PROVIDER is espeak-ng");
    expect(message).toContain("apt-get install espeak-ng");
    expect(message).toContain('voice "alloy" (TTS_VOICE)');
  });

  it.each(["openai", "espeak-ng"] as const)("%s without ffmpeg says how to get it", async (provider) => {
    const message = await configError(chooseTts({ provider, openai, isEspeakAvailable: installed, findFfmpeg: noFfmpeg }));
    expect(message).toContain(`TTS_PROVIDER is ${provider}`);
    expect(message).toContain("apt-get install ffmpeg");
  });
});
