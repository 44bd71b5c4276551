import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encode as encodeSilk } from "silk-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { decodeToWav } from "../../../media/audio/decode.ts";
import { findFfmpeg } from "../../../media/audio/ffmpeg.ts";
import { runProcess } from "../../../media/audio/run-process.ts";
import { encodeWithFfmpeg, estimateFrequencyHz, readWav, tonePcm, toneWav } from "./samples.ts";
import { rejection } from "../../support/rejection.ts";

const durationSec = 2.5;
const amrFixture = new URL("../../fixtures/audio/tone-440hz-2.5s.amr", import.meta.url);
const signal = new AbortController().signal;
let ffmpegPath: string;
let source: Uint8Array;

beforeAll(async () => {
  ffmpegPath = await findFfmpeg();
  source = toneWav(durationSec, 48_000);
});

function expectSpeechWav(wav: Uint8Array, expectedSec: number) {
  const format = readWav(wav);
  expect(format).toMatchObject({ audioFormat: 1, channels: 1, sampleRateHz: 16_000, bitsPerSample: 16 });
  expect(format.dataBytes / 2 / 16_000).toBeCloseTo(expectedSec, 1);
  // Still the 440 Hz tone, not noise or silence.
  expect(estimateFrequencyHz(format.samples, 16_000)).toBeGreaterThan(400);
  expect(estimateFrequencyHz(format.samples, 16_000)).toBeLessThan(480);
}

describe("findFfmpeg", () => {
  it("finds an ffmpeg that runs, on PATH or from npm", async () => {
    const result = await runProcess(ffmpegPath, ["-hide_banner", "-version"], { signal, timeoutMs: 10_000 });
    expect(result.exitCode).toBe(0);
    expect(new TextDecoder().decode(result.stdout)).toMatch(/^ffmpeg version/);
  });

  it("prefers the system ffmpeg when it has every decoder voice needs, else the bundled one", async () => {
    const directory = await mkdtemp(join(tmpdir(), "pincer-test-ffmpeg-"));
    try {
      const fakeFfmpeg = async (name: string, decoders: string[]) => {
        const path = join(directory, name);
        const lines = decoders.map((decoder) => ` A....D ${decoder.padEnd(20)} fake`).join("\n");
        await writeFile(path, `#!/bin/sh\nprintf 'Decoders:\\n ------\\n%s\\n' '${lines}'\n`, { mode: 0o755 });
        return path;
      };
      const complete = await fakeFfmpeg("complete", ["opus", "amrnb", "aac", "pcm_s16le"]);
      const withoutAmr = await fakeFfmpeg("without-amr", ["opus", "aac", "pcm_s16le"]);
      const bundledPath = async () => "/bundled/ffmpeg";
      expect(await findFfmpeg(signal, { systemCommand: complete, bundledPath })).toBe(complete);
      expect(await findFfmpeg(signal, { systemCommand: withoutAmr, bundledPath })).toBe("/bundled/ffmpeg");
      expect(await findFfmpeg(signal, { systemCommand: withoutAmr, bundledPath: async () => undefined })).toBe(withoutAmr);
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("tells ffmpeg which container to read (-f) instead of letting it guess", async () => {
    const directory = await mkdtemp(join(tmpdir(), "pincer-test-ffmpeg-"));
    try {
      const argsFile = join(directory, "args");
      const recorder = join(directory, "ffmpeg");
      await writeFile(recorder, `#!/bin/sh\necho "$@" > '${argsFile}'\nexit 1\n`, { mode: 0o755 });
      const cases = [
        { bytes: await readFile(amrFixture), mimeType: "application/octet-stream", format: "amr" },
        { bytes: new TextEncoder().encode("OggS and then pages"), mimeType: "audio/ogg", format: "ogg" },
        { bytes: new Uint8Array(64), mimeType: "audio/webm", format: "webm" },
        { bytes: new Uint8Array(64), mimeType: "audio/x-m4a", format: "mp4" },
      ];
      for (const { bytes, mimeType, format } of cases) {
        await rejection(decodeToWav({ bytes: new Uint8Array(bytes), mimeType }, { signal, ffmpegPath: recorder }));
        expect(await readFile(argsFile, "utf8")).toMatch(new RegExp(`-f ${format} -i `));
      }
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });
});

describe("decodeToWav turns each platform's voice format into 16 kHz mono WAV", () => {
  const ffmpegFormats = [
    { platform: "Telegram voice (OGG/Opus)", mimeType: "audio/ogg", fileName: "voice.oga", args: ["-c:a", "libopus", "-b:a", "24k", "-f", "ogg"] },
    { platform: "Feishu audio (Opus)", mimeType: "audio/opus", fileName: "audio.opus", args: ["-c:a", "libopus", "-ar", "16000", "-f", "ogg"] },
    { platform: "Slack voice clip (M4A/AAC)", mimeType: "audio/mp4", fileName: "audio_message.m4a", args: ["-c:a", "aac", "-b:a", "64k"] },
    { platform: "Slack audio (WebM/Opus)", mimeType: "audio/webm", fileName: "audio.webm", args: ["-c:a", "libopus", "-f", "webm"] },
  ];

  it.each(ffmpegFormats)("$platform", async ({ mimeType, fileName, args }) => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, source, fileName, args);
    const decoded = await decodeToWav({ bytes, mimeType, fileName }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeCloseTo(durationSec, 1);
    expectSpeechWav(decoded.wav, decoded.durationSec);
  });

  it("WeCom voice (AMR-NB, a fixture: Debian's ffmpeg has no AMR encoder)", async () => {
    const bytes = new Uint8Array(await readFile(amrFixture));
    const decoded = await decodeToWav({ bytes, mimeType: "audio/amr", fileName: "voice.amr" }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeCloseTo(durationSec, 1);
    expectSpeechWav(decoded.wav, decoded.durationSec);
  });

  it("WeCom voice (AMR-NB) with each ffmpeg findFfmpeg may choose: the system's and the bundled one", async () => {
    const bytes = new Uint8Array(await readFile(amrFixture));
    const bundled = await findFfmpeg(signal, { systemCommand: "/nonexistent/ffmpeg" }).catch(() => undefined);
    const candidates = [ffmpegPath, ...(bundled && bundled !== ffmpegPath ? [bundled] : [])];
    for (const candidate of candidates) {
      const decoded = await decodeToWav({ bytes, mimeType: "audio/amr" }, { signal, ffmpegPath: candidate });
      expectSpeechWav(decoded.wav, decoded.durationSec);
    }
  });

  it("an M4A whose index comes after a long stretch of audio (ffmpeg cannot read that from a pipe)", async () => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, toneWav(40, 16_000), "long.m4a", ["-c:a", "aac", "-b:a", "96k"]);
    const decoded = await decodeToWav({ bytes, mimeType: "audio/x-m4a" }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeCloseTo(40, 1);
    expectSpeechWav(decoded.wav, 40);
  });

  it("WeChat voice (SILK with WeChat's 0x02 byte)", async () => {
    const { data: bytes } = await encodeSilk(tonePcm(durationSec, 24_000), 24_000);
    expect(bytes[0]).toBe(0x02);
    const decoded = await decodeToWav({ bytes, mimeType: "audio/silk", fileName: "voice.silk" }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeCloseTo(durationSec, 1);
    expectSpeechWav(decoded.wav, decoded.durationSec);
  });

  it("plain SILK (starting at #!SILK_V3)", async () => {
    const { data } = await encodeSilk(tonePcm(durationSec, 24_000), 24_000);
    const bytes = data.subarray(1);
    expect(new TextDecoder().decode(bytes.subarray(0, 9))).toBe("#!SILK_V3");
    const decoded = await decodeToWav({ bytes, mimeType: "application/octet-stream" }, { signal, ffmpegPath });
    expect(decoded.durationSec).toBeCloseTo(durationSec, 1);
    expectSpeechWav(decoded.wav, decoded.durationSec);
  });

  it("needs no ffmpeg path: it finds one", async () => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, source, "voice.ogg", ["-c:a", "libopus"]);
    const decoded = await decodeToWav({ bytes, mimeType: "audio/ogg" }, { signal });
    expect(decoded.durationSec).toBeCloseTo(durationSec, 1);
  });
});

describe("decodeToWav on a file it cannot decode", () => {
  const corrupt = (bytes: Uint8Array) => decodeToWav({ bytes, mimeType: "audio/ogg", fileName: "voice.oga" }, { signal, ffmpegPath });

  it("says so in words fit for the chat, keeping ffmpeg's complaint for the log", async () => {
    const garbage = new Uint8Array(4000).map((_, index) => (index * 7919) % 251);
    const error = await rejection(corrupt(garbage));
    expect(error.code).toBe("bad-input");
    expect(error.message).toBe("I could not decode this voice message.");
    // Told to read OGG (-f ogg), ffmpeg finds no OGG page: "End of file" (when it guessed: "Invalid data").
    expect(String((error.cause as Error).message)).toMatch(/ffmpeg exited with code 1: .*pipe:0: End of file/s);
  });

  it("treats a file whose header promises audio but holds none the same way", async () => {
    const error = await rejection(corrupt(new TextEncoder().encode("OggS\0\0 not really an ogg page")));
    expect(error.message).toBe("I could not decode this voice message.");
  });

  it("treats a broken SILK file the same way", async () => {
    const bytes = new Uint8Array([0x02, ...new TextEncoder().encode("#!SILK_V3"), 0xff, 0xff, 1, 2, 3, 4, 5]);
    const error = await rejection(corrupt(bytes));
    expect(error.code).toBe("bad-input");
    expect(error.message).toBe("I could not decode this voice message.");
  });

  it("treats an empty file the same way", async () => {
    const error = await rejection(corrupt(new Uint8Array(0)));
    expect(error.message).toBe("I could not decode this voice message.");
  });
});

describe("decodeToWav limits", () => {
  it("refuses audio longer than maxDurationSec", async () => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, source, "voice.ogg", ["-c:a", "libopus"]);
    const error = await rejection(decodeToWav({ bytes, mimeType: "audio/ogg" }, { signal, ffmpegPath, maxDurationSec: 1 }));
    expect(error.code).toBe("bad-input");
    expect(error.message).toMatch(/too long.*1 seconds/);
  });

  it("refuses long SILK too", async () => {
    const { data: bytes } = await encodeSilk(tonePcm(durationSec, 24_000), 24_000);
    const error = await rejection(decodeToWav({ bytes, mimeType: "audio/silk" }, { signal, ffmpegPath, maxDurationSec: 2 }));
    expect(error.message).toMatch(/too long/);
  });

  it("stops when the run is stopped", async () => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, source, "voice.ogg", ["-c:a", "libopus"]);
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(decodeToWav({ bytes, mimeType: "audio/ogg" }, { signal: controller.signal, ffmpegPath }));
    expect(error.code).toBe("aborted");
  });

  it("kills ffmpeg when it takes too long", async () => {
    const bytes = await encodeWithFfmpeg(ffmpegPath, toneWav(30, 48_000), "voice.ogg", ["-c:a", "libopus"]);
    const error = await rejection(decodeToWav({ bytes, mimeType: "audio/ogg" }, { signal, ffmpegPath, timeoutMs: 5 }));
    expect(error.code).toBe("timeout");
    expect(error.message).toBe("Decoding this voice message took too long.");
  });
});
