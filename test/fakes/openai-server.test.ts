import OpenAI, { toFile } from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { estimateTokens } from "./model-script.ts";
import { startFakeOpenAI, type FakeOpenAI } from "./openai-server.ts";

let fake: FakeOpenAI;
let client: OpenAI;

beforeEach(async () => {
  fake = await startFakeOpenAI();
  client = new OpenAI({ baseURL: fake.url, apiKey: "sk-test-fake", maxRetries: 0 });
});
afterEach(() => fake.close());

const question = [{ role: "user" as const, content: "What is the capital of France?" }];

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe("streamed text", () => {
  it("arrives in several chunks that join into the scripted answer", async () => {
    fake.script({ type: "text", text: "Paris is the capital of France." });
    const chunks = await collect(await client.chat.completions.create({ model: "gpt-fake", messages: question, stream: true }));
    const pieces = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").filter(Boolean);
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.join("")).toBe("Paris is the capital of France.");
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("stop");
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
  });

  it("satisfies the SDK's strict stream helper", async () => {
    fake.script({ type: "text", text: "Bonjour." });
    const stream = client.chat.completions.stream({ model: "gpt-fake", messages: question });
    const completion = await stream.finalChatCompletion();
    expect(completion.choices[0]?.message.content).toBe("Bonjour.");
    expect(completion.model).toBe("gpt-fake");
  });

  it("answers with the number of messages it received when nothing is scripted", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-fake",
      messages: [{ role: "system", content: "Be brief." }, ...question],
    });
    expect(completion.choices[0]?.message.content).toContain("received 2 messages");
    expect(completion.choices[0]?.message.content).toContain("capital of France");
  });

  it("reports a truncated answer as finish_reason length", async () => {
    fake.script({ type: "text", text: "It is a long story", stop: "max-tokens" });
    const completion = await client.chat.completions.create({ model: "gpt-fake", messages: question });
    expect(completion.choices[0]?.finish_reason).toBe("length");
  });
});

describe("tool calls", () => {
  const weather = { location: "Paris", unit: "celsius", days: [1, 2, 3] };
  const time = { timezone: "Europe/Paris" };

  it("streams parallel calls whose arguments arrive in pieces and reassemble by index", async () => {
    fake.script({
      type: "tool-calls",
      calls: [
        { id: "call_weather", name: "get_weather", arguments: weather },
        { id: "call_time", name: "get_time", arguments: time },
      ],
    });
    const chunks = await collect(
      await client.chat.completions.create({ model: "gpt-fake", messages: question, stream: true, tools: [] }),
    );
    const calls: Array<{ id: string; name: string; arguments: string; pieces: number }> = [];
    for (const delta of chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])) {
      const call = (calls[delta.index] ??= { id: "", name: "", arguments: "", pieces: 0 });
      call.id += delta.id ?? "";
      call.name += delta.function?.name ?? "";
      if (delta.function?.arguments) {
        call.arguments += delta.function.arguments;
        call.pieces += 1;
      }
    }
    expect(calls.map(({ id, name }) => ({ id, name }))).toEqual([
      { id: "call_weather", name: "get_weather" },
      { id: "call_time", name: "get_time" },
    ]);
    expect(JSON.parse(calls[0]!.arguments)).toEqual(weather);
    expect(JSON.parse(calls[1]!.arguments)).toEqual(time);
    expect(calls.every((call) => call.pieces > 1)).toBe(true);
    expect(chunks.at(-1)?.choices[0]?.finish_reason).toBe("tool_calls");
  });

  it("gives the SDK stream helper complete tool calls", async () => {
    fake.script({ type: "tool-calls", text: "Let me check.", calls: [{ name: "get_weather", arguments: weather }] });
    const completion = await client.chat.completions
      .stream({ model: "gpt-fake", messages: question, tools: [{ type: "function", function: { name: "get_weather" } }] })
      .finalChatCompletion();
    const message = completion.choices[0]?.message;
    expect(message?.content).toBe("Let me check.");
    const call = message?.tool_calls?.[0];
    expect(call?.type === "function" && JSON.parse(call.function.arguments)).toEqual(weather);
    expect(call?.id).toMatch(/^call_/);
  });

  it("returns tool calls in a non-streamed completion", async () => {
    fake.script({ type: "tool-calls", calls: [{ id: "call_1", name: "get_time", arguments: time }] });
    const completion = await client.chat.completions.create({ model: "gpt-fake", messages: question });
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    expect(completion.choices[0]?.message.tool_calls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_time", arguments: JSON.stringify(time) } },
    ]);
  });

  it("refuses a tool message that answers no call, as the real API does", async () => {
    const request = client.chat.completions.create({
      model: "gpt-fake",
      messages: [...question, { role: "tool", tool_call_id: "call_nowhere", content: "42" }],
    });
    await expect(request).rejects.toMatchObject({ status: 400, error: { type: "invalid_request_error" } });
  });

  it("refuses a tool call left without its tool message", async () => {
    const request = client.chat.completions.create({
      model: "gpt-fake",
      messages: [
        ...question,
        { role: "assistant", tool_calls: [{ id: "call_1", type: "function", function: { name: "get_time", arguments: "{}" } }] },
        { role: "user", content: "and?" },
      ],
    });
    await expect(request).rejects.toMatchObject({ status: 400, message: expect.stringContaining("call_1") });
  });
});

describe("usage", () => {
  it("comes in a final chunk without choices when include_usage is asked", async () => {
    fake.script({ type: "text", text: "Paris.", usage: { inputTokens: 120, outputTokens: 3, cachedTokens: 64 } });
    const chunks = await collect(
      await client.chat.completions.create({
        model: "gpt-fake",
        messages: question,
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({
      prompt_tokens: 120,
      completion_tokens: 3,
      total_tokens: 123,
      prompt_tokens_details: { cached_tokens: 64 },
    });
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
  });

  it("is absent from a stream that did not ask for it", async () => {
    const chunks = await collect(await client.chat.completions.create({ model: "gpt-fake", messages: question, stream: true }));
    expect(chunks.every((chunk) => chunk.usage === undefined)).toBe(true);
  });

  it("is estimated from the request the test can read back", async () => {
    const completion = await client.chat.completions.create({ model: "gpt-fake", messages: question });
    const [request] = fake.chatRequests();
    expect(request?.body.messages).toEqual(question);
    expect(request?.headers.authorization).toBe("Bearer sk-test-fake");
    expect(completion.usage?.prompt_tokens).toBe(estimateTokens("[]" + JSON.stringify(question[0])));
  });

  it("counts a repeated prompt prefix as cached tokens", async () => {
    const system = { role: "system" as const, content: "You are a frugal assistant. ".repeat(20) };
    await client.chat.completions.create({ model: "gpt-fake", messages: [system, ...question] });
    const second = await client.chat.completions.create({
      model: "gpt-fake",
      messages: [system, { role: "user", content: "And of Italy?" }],
    });
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThanOrEqual(estimateTokens(JSON.stringify(system)) - 1);
    expect(second.usage?.prompt_tokens_details?.cached_tokens).toBeLessThan(second.usage!.prompt_tokens);
  });
});

describe("errors", () => {
  it("answers 429 with retry-after in OpenAI's error shape", async () => {
    fake.script({ type: "error", status: 429, retryAfterSec: 1 });
    const error = await client.chat.completions.create({ model: "gpt-fake", messages: question }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get("retry-after")).toBe("1");
    expect(error.error).toMatchObject({ type: "requests", code: "rate_limit_exceeded" });
  });

  it("is retried by the SDK after the retry-after delay", async () => {
    const patient = new OpenAI({ baseURL: fake.url, apiKey: "sk-test-fake", maxRetries: 1 });
    fake.script({ type: "error", status: 429, retryAfterSec: 1 }, { type: "text", text: "Second time lucky." });
    const completion = await patient.chat.completions.create({ model: "gpt-fake", messages: question });
    expect(completion.choices[0]?.message.content).toBe("Second time lucky.");
    const [first, second] = fake.chatRequests();
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("breaks a stream with an in-stream error after some text", async () => {
    fake.script({ type: "stream-error", text: "Partial", message: "The server had an error" });
    const pieces: string[] = [];
    const reading = (async () => {
      const stream = await client.chat.completions.create({ model: "gpt-fake", messages: question, stream: true });
      for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? "");
    })();
    await expect(reading).rejects.toThrow(/server had an error/);
    expect(pieces.join("")).toBe("Partial");
  });

  it("refuses a request without an API key", async () => {
    const response = await fetch(`${fake.url}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-fake", messages: question }),
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

describe("a slow stream", () => {
  it("stops when the client aborts, and the server notices", async () => {
    fake.script({ type: "text", text: "one two three four five six seven eight", chunkCount: 8, chunkDelayMs: 200 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: "gpt-fake", messages: question, stream: true },
      { signal: controller.signal },
    );
    const pieces: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        pieces.push(chunk.choices[0]?.delta.content ?? "");
        if (pieces.join("").length > 0) controller.abort();
      }
    })();
    // openai 7.x ends the iteration quietly on abort (no APIUserAbortError): callers must check the signal.
    await reading;
    expect(controller.signal.aborted).toBe(true);
    await fake.waitFor((requests) => requests[0]?.outcome === "client-closed");
    expect(pieces.join("").length).toBeLessThan("one two three four five six seven eight".length);
  });

  it("lets a finished response count as completed", async () => {
    await client.chat.completions.create({ model: "gpt-fake", messages: question });
    await fake.waitFor((requests) => requests[0]?.outcome === "completed");
  });
});

describe("transcriptions", () => {
  it("records the model, file name and size, and answers the scripted text", async () => {
    fake.scriptTranscriptions({ type: "text", text: "find the three biggest files" });
    const audio = Buffer.alloc(2048, 1);
    const result = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await toFile(audio, "voice.ogg", { type: "audio/ogg" }),
      language: "en",
    });
    expect(result.text).toBe("find the three biggest files");
    const [request] = fake.requests;
    expect(request?.endpoint === "transcriptions" && request.body).toEqual({
      model: "whisper-1",
      file: { name: "voice.ogg", sizeBytes: 2048, type: "audio/ogg" },
      fields: { language: "en" },
    });
  });

  it("answers a default transcript naming the file", async () => {
    const result = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: await toFile(Buffer.from("ogg"), "note.ogg"),
    });
    expect(result.text).toContain("note.ogg");
  });
});

describe("speech", () => {
  it("records the JSON body and answers the scripted audio bytes", async () => {
    const audio = new TextEncoder().encode("OggS pretend audio");
    fake.scriptSpeech({ type: "audio", bytes: audio });
    const response = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: "Hello there.", response_format: "opus" });
    expect(response.headers.get("content-type")).toBe("audio/ogg");
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(audio);
    const [request] = fake.speechRequests();
    expect(request?.path).toBe("/v1/audio/speech");
    expect(request?.body).toEqual({ model: "tts-1", voice: "alloy", input: "Hello there.", response_format: "opus" });
  });

  it("answers a one-second WAV tone when nothing is scripted", async () => {
    const response = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: "Hi." });
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(response.headers.get("content-type")).toBe("audio/wav");
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("RIFF");
    expect(bytes.length).toBe(44 + 24_000 * 2);
  });

  it("refuses a request without a voice or with an empty input, as the real API does", async () => {
    const noVoice = client.audio.speech.create({ model: "tts-1", input: "Hi." } as never);
    await expect(noVoice).rejects.toMatchObject({ status: 400, error: { param: "voice" } });
    const empty = client.audio.speech.create({ model: "tts-1", voice: "alloy", input: "" });
    await expect(empty).rejects.toMatchObject({ status: 400, error: { param: "input" } });
    expect(fake.speechRequests()).toHaveLength(2);
  });

  it("answers a scripted error", async () => {
    fake.scriptSpeech({ type: "error", status: 429, retryAfterSec: 7 });
    const error = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: "Hi." }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.headers.get("retry-after")).toBe("7");
  });
});
