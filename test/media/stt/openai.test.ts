import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiStt } from "../../../media/stt/openai.ts";
import { startFakeOpenAI, type FakeOpenAI } from "../../fakes/openai-server.ts";
import { toneWav } from "../audio/samples.ts";
import { rejection } from "../../support/rejection.ts";

let fake: FakeOpenAI;
const wav = toneWav(1, 16_000);
const signal = new AbortController().signal;

beforeEach(async () => {
  fake = await startFakeOpenAI();
});
afterEach(() => fake.close());

describe("the openai speech-to-text", () => {
  it("sends the WAV as voice.wav with the model and returns the text", async () => {
    fake.scriptTranscriptions({ type: "text", text: " Turn on the lights. " });
    const stt = createOpenAiStt({ baseUrl: fake.url, apiKey: "sk-test", model: "whisper-1" });

    expect(await stt.transcribe(wav, signal)).toBe("Turn on the lights.");

    const [request] = fake.requests;
    expect(request?.endpoint).toBe("transcriptions");
    if (request?.endpoint !== "transcriptions") return;
    expect(request.path).toBe("/v1/audio/transcriptions");
    expect(request.headers.authorization).toBe("Bearer sk-test");
    expect(request.body.model).toBe("whisper-1");
    expect(request.body.file).toEqual({ name: "voice.wav", sizeBytes: wav.length, type: "audio/wav" });
  });

  it("names itself with its model for /status", () => {
    expect(createOpenAiStt({ baseUrl: fake.url, apiKey: undefined, model: "whisper-large-v3" }).name).toBe("openai (whisper-large-v3)");
  });

  it("works without a key, as local whisper servers do", async () => {
    fake.scriptTranscriptions({ type: "text", text: "hello" });
    const stt = createOpenAiStt({ baseUrl: fake.url, apiKey: undefined, model: "base.en" });
    expect(await stt.transcribe(wav, signal)).toBe("hello");
  });

  it("reports refused credentials with the variable to check", async () => {
    fake.scriptTranscriptions({ type: "error", status: 401, message: "Incorrect API key provided" });
    const stt = createOpenAiStt({ baseUrl: fake.url, apiKey: "sk-wrong", model: "whisper-1", maxRetries: 0 });
    const error = await rejection(stt.transcribe(wav, signal));
    expect(error.code).toBe("unauthorized");
    expect(error.message).toContain("STT_API_KEY");
  });

  it("retries a server error, then reports it", async () => {
    fake.scriptTranscriptions({ type: "error", status: 500 }, { type: "error", status: 502 });
    const stt = createOpenAiStt({ baseUrl: fake.url, apiKey: "sk-test", model: "whisper-1", maxRetries: 1 });
    const error = await rejection(stt.transcribe(wav, signal));
    expect(error.code).toBe("upstream");
    expect(error.message).toBe("The speech-to-text service failed (HTTP 502).");
    expect(fake.requests).toHaveLength(2);
  });

  it("gives up after its timeout", async () => {
    fake.scriptTranscriptions({ type: "text", text: "late", responseDelayMs: 5_000 });
    const stt = createOpenAiStt({ baseUrl: fake.url, apiKey: "sk-test", model: "whisper-1", timeoutMs: 200 });
    const startedAt = Date.now();
    const error = await rejection(stt.transcribe(wav, signal));
    expect(error.code).toBe("timeout");
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it("stops when the run is stopped", async () => {
    fake.scriptTranscriptions({ type: "text", text: "late", responseDelayMs: 5_000 });
    const stt = createOpenAiStt({ baseUrl: fake.url, apiKey: "sk-test", model: "whisper-1" });
    const controller = new AbortController();
    const pending = stt.transcribe(wav, controller.signal);
    await fake.waitFor((requests) => requests.length === 1);
    controller.abort();
    const error = await rejection(pending);
    expect(error.code).toBe("aborted");
  });
});
