import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { findFfmpeg } from "../../../media/audio/ffmpeg.ts";
import { readOggOpus } from "../../../media/audio/ogg-opus.ts";
import { createOpenAiTts, type OpenAiTtsOptions } from "../../../media/tts/openai.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai-server.ts";
import { encodeWithFfmpeg, toneWav } from "../audio/samples.ts";
import { rejection } from "../../support/rejection.ts";

let fake: FakeOpenAI;
let ffmpegPath: string;
const signal = new AbortController().signal;

beforeAll(async () => {
  ffmpegPath = await findFfmpeg();
});
beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(() => fake.close());

const tts = (options: Partial<OpenAiTtsOptions> = {}) =>
  createOpenAiTts({ baseUrl: fake.url, apiKey: "sk-test", model: "tts-1", voice: "alloy", ffmpegPath, ...options });

const isOggMagic = (bytes: Uint8Array) => new TextDecoder().decode(bytes.subarray(0, 4)) === "OggS";

describe("the openai text-to-speech", () => {
  it("asks for the model, voice and text in Opus, and returns a mono OGG/Opus voice note with its duration", async () => {
    const opus = await encodeWithFfmpeg(ffmpegPath, toneWav(2, 24_000), "speech.opus", ["-c:a", "libopus", "-f", "ogg"]);
    fake.scriptSpeech({ type: "audio", bytes: opus });

    const note = await tts().speak("The build is green.", signal);

    const [request] = fake.speechRequests();
    expect(request?.headers.authorization).toBe("Bearer sk-test");
    expect(request?.body).toEqual({ model: "tts-1", voice: "alloy", input: "The build is green.", response_format: "opus" });
    expect(note.mimeType).toBe("audio/ogg");
    expect(isOggMagic(note.bytes)).toBe(true);
    expect(readOggOpus(note.bytes)?.channels).toBe(1);
    expect(note.durationSec).toBeCloseTo(2, 1);
  });

  it("converts a server's WAV (asked for Opus, got another format) into OGG/Opus", async () => {
    const note = await tts().speak("Hello.", signal); // the fake's default answer: one second of WAV
    expect(isOggMagic(note.bytes)).toBe(true);
    expect(note.durationSec).toBeCloseTo(1, 1);
  });

  it("converts MP3 too", async () => {
    const mp3 = await encodeWithFfmpeg(ffmpegPath, toneWav(3, 24_000), "speech.mp3", ["-c:a", "libmp3lame"]);
    fake.scriptSpeech({ type: "audio", bytes: mp3, contentType: "audio/mpeg" });
    const note = await tts().speak("Hello.", signal);
    expect(isOggMagic(note.bytes)).toBe(true);
    expect(note.durationSec).toBeCloseTo(3, 1);
  });

  it("names itself with its model and voice for /status", () => {
    expect(tts({ model: "gpt-4o-mini-tts", voice: "nova" }).name).toBe("openai (gpt-4o-mini-tts, nova)");
  });

  it("works without a key, as local speech servers do", async () => {
    const note = await tts({ apiKey: undefined }).speak("Hello.", signal);
    expect(note.durationSec).toBeGreaterThan(0.5);
    expect(fake.speechRequests()[0]?.headers.authorization).toBe("Bearer no-key");
  });

  it("refuses to say nothing, without asking the server", async () => {
    const error = await rejection(tts().speak("  \n", signal));
    expect(error.code).toBe("bad-input");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("the openai text-to-speech when it fails", () => {
  it("reports refused credentials with the variable to check", async () => {
    fake.scriptSpeech({ type: "error", status: 401, message: "Incorrect API key provided" });
    const error = await rejection(tts({ apiKey: "sk-wrong", maxRetries: 0 }).speak("Hi.", signal));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toBe("The text-to-speech service refused the credentials (HTTP 401): check TTS_API_KEY.");
  });

  it("reports rate limiting with the delay the server asked for", async () => {
    fake.scriptSpeech({ type: "error", status: 429, retryAfterSec: 30 });
    const error = await rejection(tts({ maxRetries: 0 }).speak("Hi.", signal));
    expect(error.code).toBe("rate-limited");
    expect(error.message).toContain("Try again in a minute");
    expect(error.retryAfterMs).toBe(30_000);
  });

  it("points at the model and voice when the server refuses the request", async () => {
    fake.scriptSpeech({ type: "error", status: 400, message: "Invalid value: 'robot'." });
    const error = await rejection(tts({ voice: "robot", maxRetries: 0 }).speak("Hi.", signal));
    expect(error.code).toBe("upstream");
    expect(error.message).toBe("The text-to-speech service rejected the request (HTTP 400): check TTS_MODEL and TTS_VOICE.");
  });

  it("retries a server error, then reports it", async () => {
    fake.scriptSpeech({ type: "error", status: 500 }, { type: "error", status: 502 });
    const error = await rejection(tts({ maxRetries: 1 }).speak("Hi.", signal));
    expect(error.code).toBe("upstream");
    expect(error.message).toBe("The text-to-speech service failed (HTTP 502).");
    expect(fake.requests).toHaveLength(2);
  });

  it("reports a server that cannot be reached", async () => {
    const address = fake.url;
    await fake.close();
    const error = await rejection(tts({ baseUrl: address, maxRetries: 0 }).speak("Hi.", signal));
    expect(error.message).toBe("The text-to-speech service could not be reached.");
  });

  it("reports a 200 answer that is not audio", async () => {
    fake.scriptSpeech({ type: "audio", bytes: new TextEncoder().encode("<html>captive portal</html>"), contentType: "text/html" });
    const error = await rejection(tts().speak("Hi.", signal));
    expect(error.code).toBe("upstream");
    expect(error.message).toBe("The spoken answer came back in a form I could not turn into a voice note.");
  });

  it("gives up after its timeout", async () => {
    fake.scriptSpeech({ type: "audio", bytes: toneWav(1, 24_000), responseDelayMs: 5_000 });
    const startedAt = Date.now();
    const error = await rejection(tts({ timeoutMs: 200 }).speak("Hi.", signal));
    expect(error.code).toBe("timeout");
    expect(error.message).toBe("Making the voice reply took too long.");
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("stops when the run is stopped, and the server sees the client go", async () => {
    fake.scriptSpeech({ type: "audio", bytes: toneWav(1, 24_000), responseDelayMs: 5_000 });
    const controller = new AbortController();
    const pending = tts().speak("Hi.", controller.signal);
    await fake.waitFor((requests) => requests.length === 1);
    controller.abort();
    const error = await rejection(pending);
    expect(error.code).toBe("aborted");
    await fake.waitFor((requests) => requests[0]?.outcome === "client-closed");
  });

  it("does not start when the run is already stopped", async () => {
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(tts().speak("Hi.", controller.signal))).code).toBe("aborted");
    expect(fake.requests).toHaveLength(0);
  });
});
