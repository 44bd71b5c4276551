import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeAnthropic, type FakeAnthropic } from "./anthropic-server.ts";

let fake: FakeAnthropic;
let client: Anthropic;

beforeEach(async () => {
  fake = await startFakeAnthropic();
  client = new Anthropic({ baseURL: fake.url, apiKey: "sk-ant-test-fake", maxRetries: 0 });
});
afterEach(() => fake.close());

const model = "claude-fake";
const question: MessageParam[] = [{ role: "user", content: "What is the capital of France?" }];

async function collect(stream: AsyncIterable<RawMessageStreamEvent>): Promise<RawMessageStreamEvent[]> {
  const events: RawMessageStreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

describe("streamed text", () => {
  it("arrives as text deltas that the SDK's stream helper joins", async () => {
    fake.script({ type: "text", text: "Paris is the capital of France." });
    const deltas: string[] = [];
    const stream = client.messages.stream({ model, max_tokens: 256, messages: question }).on("text", (text) => deltas.push(text));
    const message = await stream.finalMessage();
    expect(deltas.length).toBeGreaterThan(1);
    expect(message.content).toEqual([expect.objectContaining({ type: "text", text: "Paris is the capital of France." })]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.model).toBe(model);
  });

  it("follows the event order of the Messages API", async () => {
    fake.script({ type: "text", text: "Paris." });
    const events = await collect(await client.messages.create({ model, max_tokens: 256, messages: question, stream: true }));
    const types = events.map((event) => event.type);
    expect(types[0]).toBe("message_start");
    expect(types.slice(1, 2)).toEqual(["content_block_start"]);
    expect(types.slice(-4)).toEqual(["content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
  });

  it("answers with the number of messages it received when nothing is scripted", async () => {
    const message = await client.messages.create({ model, max_tokens: 256, messages: question });
    expect(message.content[0]?.type === "text" && message.content[0].text).toContain("received 1 messages");
  });

  it("reports a truncated answer as stop_reason max_tokens", async () => {
    fake.script({ type: "text", text: "It is a long story", stop: "max-tokens" });
    const message = await client.messages.stream({ model, max_tokens: 4, messages: question }).finalMessage();
    expect(message.stop_reason).toBe("max_tokens");
  });
});

describe("tool use", () => {
  const weather = { location: "Paris", unit: "celsius", days: [1, 2, 3] };
  const time = { timezone: "Europe/Paris" };
  const tools = [
    { name: "get_weather", input_schema: { type: "object" as const } },
    { name: "get_time", input_schema: { type: "object" as const } },
  ];

  it("streams tool_use blocks whose input arrives as input_json_delta pieces", async () => {
    fake.script({
      type: "tool-calls",
      text: "Let me check.",
      calls: [
        { id: "toolu_weather", name: "get_weather", arguments: weather },
        { id: "toolu_time", name: "get_time", arguments: time },
      ],
    });
    const events = await collect(await client.messages.create({ model, max_tokens: 256, messages: question, tools, stream: true }));
    const starts = events.flatMap((event) => (event.type === "content_block_start" ? [event.content_block] : []));
    expect(starts.map((block) => block.type)).toEqual(["text", "tool_use", "tool_use"]);
    const json = ["", "", ""];
    for (const event of events) {
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") json[event.index] += event.delta.partial_json;
    }
    expect(JSON.parse(json[1]!)).toEqual(weather);
    expect(JSON.parse(json[2]!)).toEqual(time);
    const pieces = events.filter((event) => event.type === "content_block_delta" && event.index === 1);
    expect(pieces.length).toBeGreaterThan(1);
    const delta = events.find((event) => event.type === "message_delta");
    expect(delta?.type === "message_delta" && delta.delta.stop_reason).toBe("tool_use");
  });

  it("gives the SDK's stream helper parsed tool inputs", async () => {
    fake.script({ type: "tool-calls", calls: [{ id: "toolu_1", name: "get_weather", arguments: weather }] });
    const message = await client.messages.stream({ model, max_tokens: 256, messages: question, tools }).finalMessage();
    expect(message.content).toEqual([expect.objectContaining({ type: "tool_use", id: "toolu_1", name: "get_weather", input: weather })]);
    expect(message.stop_reason).toBe("tool_use");
  });

  it("returns tool_use blocks in a non-streamed message", async () => {
    fake.script({ type: "tool-calls", calls: [{ name: "get_time", arguments: time }] });
    const message = await client.messages.create({ model, max_tokens: 256, messages: question, tools });
    expect(message.content).toEqual([{ type: "tool_use", id: expect.stringMatching(/^toolu_/), name: "get_time", input: time }]);
  });

  it("refuses a tool_result that answers no tool_use, as the real API does", async () => {
    const request = client.messages.create({
      model,
      max_tokens: 256,
      messages: [
        ...question,
        { role: "assistant", content: "Checking." },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_nowhere", content: "42" }] },
      ],
    });
    await expect(request).rejects.toMatchObject({ status: 400, error: { error: { type: "invalid_request_error" } } });
  });

  it("accepts a tool_use answered by its tool_result", async () => {
    const message = await client.messages.create({
      model,
      max_tokens: 256,
      messages: [
        ...question,
        { role: "assistant", content: [{ type: "tool_use", id: "toolu_1", name: "get_time", input: {} }] },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "12:00" }] },
      ],
    });
    expect(message.stop_reason).toBe("end_turn");
  });
});

describe("usage", () => {
  it("carries scripted input, output and cache counts through the stream", async () => {
    fake.script({ type: "text", text: "Paris.", usage: { inputTokens: 20, outputTokens: 3, cachedTokens: 1500, cacheWriteTokens: 0 } });
    const message = await client.messages.stream({ model, max_tokens: 256, messages: question }).finalMessage();
    expect(message.usage).toMatchObject({
      input_tokens: 20,
      output_tokens: 3,
      cache_read_input_tokens: 1500,
      cache_creation_input_tokens: 0,
    });
  });

  it("writes a cache_control prefix once and reads it on the next turn", async () => {
    const system = [{ type: "text" as const, text: "You are a frugal assistant. ".repeat(20), cache_control: { type: "ephemeral" as const } }];
    const first = await client.messages.create({ model, max_tokens: 256, system, messages: question });
    const second = await client.messages.create({
      model,
      max_tokens: 256,
      system,
      messages: [...question, { role: "assistant", content: "Paris." }, { role: "user", content: "And of Italy?" }],
    });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(0);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.input_tokens).toBeGreaterThan(first.usage.input_tokens);
  });

  it("reads the previous turn's prefix when the breakpoint moves to the newest message", async () => {
    const marked = (text: string) => [{ type: "text" as const, text, cache_control: { type: "ephemeral" as const } }];
    const first = await client.messages.create({ model, max_tokens: 256, messages: [{ role: "user", content: marked("Hello ".repeat(50)) }] });
    const second = await client.messages.create({
      model,
      max_tokens: 256,
      messages: [
        { role: "user", content: "Hello ".repeat(50) },
        { role: "assistant", content: "Hi." },
        { role: "user", content: marked("How are you?") },
      ],
    });
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.cache_creation_input_tokens).toBeGreaterThan(0);
  });

  it("misses the cache when the prefix changed by one byte", async () => {
    const system = (text: string) => [{ type: "text" as const, text, cache_control: { type: "ephemeral" as const } }];
    await client.messages.create({ model, max_tokens: 256, system: system("You are frugal."), messages: question });
    const second = await client.messages.create({ model, max_tokens: 256, system: system("You are frugal!"), messages: question });
    expect(second.usage.cache_read_input_tokens).toBe(0);
  });

  it("lets the test read the exact request back", async () => {
    await client.messages.create({ model, max_tokens: 256, messages: question });
    const [request] = fake.messageRequests();
    expect(request?.body).toMatchObject({ model, max_tokens: 256, messages: question });
    expect(request?.headers.authorization).toBe("Bearer sk-ant-test-fake");
    expect(request?.headers["anthropic-version"]).toBeTruthy();
  });
});

describe("errors", () => {
  it("answers 429 with retry-after in Anthropic's error shape", async () => {
    fake.script({ type: "error", status: 429, retryAfterSec: 1 });
    const error = await client.messages.create({ model, max_tokens: 256, messages: question }).catch((thrown) => thrown);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error.headers.get("retry-after")).toBe("1");
    expect(error.error).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  });

  it("is retried by the SDK after the retry-after delay", async () => {
    const patient = new Anthropic({ baseURL: fake.url, apiKey: "sk-ant-test-fake", maxRetries: 1 });
    fake.script({ type: "error", status: 429, retryAfterSec: 1 }, { type: "text", text: "Second time lucky." });
    const text = await patient.messages.stream({ model, max_tokens: 256, messages: question }).finalText();
    expect(text).toBe("Second time lucky.");
    const [first, second] = fake.messageRequests();
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("breaks a stream with an overloaded error event after some text", async () => {
    fake.script({ type: "stream-error", text: "Partial" });
    const stream = client.messages.stream({ model, max_tokens: 256, messages: question });
    await expect(stream.finalMessage()).rejects.toMatchObject({ error: { error: { type: "overloaded_error" } } });
  });

  it("refuses a request without an API key or anthropic-version", async () => {
    const send = (headers: Record<string, string>) =>
      fetch(`${fake.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ model, max_tokens: 256, messages: question }),
      });
    const keyless = await send({ "anthropic-version": "2023-06-01" });
    expect(keyless.status).toBe(401);
    expect(await keyless.json()).toMatchObject({ type: "error", error: { type: "authentication_error" } });
    expect((await send({ "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-test-fake" })).status).toBe(200);
    const versionless = await send({ "x-api-key": "sk-ant-test-fake" });
    expect(versionless.status).toBe(400);
    expect(await versionless.json()).toMatchObject({ error: { message: "anthropic-version: header is required" } });
  });

  it("requires max_tokens", async () => {
    const request = client.messages.create({ model, messages: question } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    await expect(request).rejects.toMatchObject({ status: 400, message: expect.stringContaining("max_tokens") });
  });
});

describe("a slow stream", () => {
  it("stops when the client aborts, and the server notices", async () => {
    const text = "one two three four five six seven eight";
    fake.script({ type: "text", text, chunkCount: 8, chunkDelayMs: 200 });
    const controller = new AbortController();
    const deltas: string[] = [];
    const stream = client.messages.stream({ model, max_tokens: 256, messages: question }, { signal: controller.signal });
    stream.on("text", (delta) => {
      deltas.push(delta);
      controller.abort();
    });
    await expect(stream.finalMessage()).rejects.toBeInstanceOf(Anthropic.APIUserAbortError);
    await fake.waitFor((requests) => requests[0]?.outcome === "client-closed");
    expect(deltas.join("").length).toBeLessThan(text.length);
  });

  it("stops when a create({ stream: true }) iteration is broken off", async () => {
    fake.script({ type: "text", text: "one two three four", chunkCount: 4, chunkDelayMs: 200 });
    const stream = await client.messages.create({ model, max_tokens: 256, messages: question, stream: true });
    for await (const event of stream) if (event.type === "content_block_delta") break;
    await fake.waitFor((requests) => requests[0]?.outcome === "client-closed");
  });
});
