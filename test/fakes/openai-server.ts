import type { SpeechCreateParams } from "openai/resources/audio/speech";
import type { ChatCompletionCreateParams } from "openai/resources/chat/completions";
import { assertNever } from "../../core/types/errors.ts";
import { parseJson, pause, sendEventStream, sendJson, sendScriptedError, startHttpFake, type Exchange, type RecordedBase } from "./http-fake.ts";
import { estimateOutputTokens, estimateTokens, randomId, type ErrorScript, type ModelScript } from "./model-script.ts";
import {
  chatCompletion,
  chatStreamFrames,
  chatUsage,
  errorBody,
  speechContentType,
  toneWav,
  validateChatRequest,
  validateSpeechRequest,
  type AnswerContext,
} from "./openai-wire.ts";
import { createAutomaticCache } from "./prompt-cache.ts";

export type { ModelScript } from "./model-script.ts";

export interface TranscriptionFields {
  model: string | undefined;
  file: { name: string; sizeBytes: number; type: string } | undefined;
  /** Every other text field as sent: language, prompt, response_format, temperature… */
  fields: Record<string, string>;
}

export type ChatRequest = RecordedBase & { endpoint: "chat-completions"; body: ChatCompletionCreateParams };

/** The JSON body as sent (model, voice, input, response_format…); null when it was not JSON. */
export type SpeechRequest = RecordedBase & { endpoint: "speech"; body: SpeechCreateParams | null };

export type OpenAIRecordedRequest =
  | ChatRequest
  | (RecordedBase & { endpoint: "transcriptions"; body: TranscriptionFields })
  | SpeechRequest
  | (RecordedBase & { endpoint: "models"; body: string })
  | EmbeddingsRequest
  | (RecordedBase & { endpoint: "other"; body: string });

/** The JSON body of `POST /v1/embeddings` as sent; null when it was not JSON. */
export type EmbeddingsRequest = RecordedBase & { endpoint: "embeddings"; body: { model?: string; input?: string | string[] } | null };

/**
 * The fake's embedding of a text: each lower-cased word (each character, for Chinese) adds 1 to one of 64
 * dimensions picked by a hash, so texts sharing words are near. Deterministic; tests may give their own.
 */
export function bagOfWordsVector(text: string): number[] {
  const vector = new Array<number>(64).fill(0);
  for (const word of text.toLowerCase().match(/\p{Script=Han}|[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 0;
    for (const char of word) hash = (hash * 31 + char.codePointAt(0)!) >>> 0;
    vector[hash % 64]! += 1;
  }
  return vector;
}

export type TranscriptionScript = { type: "text"; text: string; responseDelayMs?: number } | ErrorScript;

/** Audio bytes to answer a speech request with; `contentType` defaults to the one of the format asked for. */
export type SpeechScript = { type: "audio"; bytes: Uint8Array; contentType?: string; responseDelayMs?: number } | ErrorScript;

export interface FakeOpenAIOptions {
  /** Answers a chat request when the script is empty (default: a text saying how many messages arrived). */
  fallback?: (body: ChatCompletionCreateParams) => ModelScript;
  /** Smallest common prefix reported as `cached_tokens` (default 0; real OpenAI: 1024). */
  minCacheTokens?: number;
  /** The vector `/v1/embeddings` gives a text (default: `bagOfWordsVector`). */
  embed?: (text: string) => number[];
}

export interface FakeOpenAI {
  /** Base URL ending in `/v1`, for `new OpenAI({ baseURL })`. */
  url: string;
  /** Every request received, in order, with its parsed body; refused ones too. */
  requests: OpenAIRecordedRequest[];
  /** Queues answers to the next chat completion requests, one entry per request. */
  script(...responses: ModelScript[]): void;
  /** Queues answers to the next transcription requests. */
  scriptTranscriptions(...responses: TranscriptionScript[]): void;
  /**
   * Queues answers to the next speech requests. Unscripted, the fake answers a one-second 440 Hz
   * WAV tone (24 kHz mono, as OpenAI's wav) whatever format was asked for: it cannot encode.
   */
  scriptSpeech(...responses: SpeechScript[]): void;
  /** The speech requests so far. */
  speechRequests(): SpeechRequest[];
  /** The embeddings requests so far. */
  embeddingsRequests(): EmbeddingsRequest[];
  /** The chat completion requests so far. */
  chatRequests(): ChatRequest[];
  waitFor(predicate: (requests: OpenAIRecordedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A fake OpenAI-compatible server: `POST /v1/chat/completions`, `/v1/audio/transcriptions` and `/v1/audio/speech`. */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const answers: ModelScript[] = [];
  const transcripts: TranscriptionScript[] = [];
  const speeches: SpeechScript[] = [];
  const cache = createAutomaticCache(options.minCacheTokens);

  async function answerChat(body: ChatCompletionCreateParams, exchange: Exchange) {
    const invalid = validateChatRequest(body);
    if (invalid) return sendJson(exchange, 400, invalid, requestIdHeader());
    const script = answers.shift() ?? options.fallback?.(body) ?? defaultAnswer(body);
    if (!(await pause(script.responseDelayMs ?? 0, exchange.signal))) return;
    if (script.type === "error") return sendScriptedError(exchange, script, errorBody(script.status, script.message), requestIdHeader());
    const units = [JSON.stringify(body.tools ?? []), ...body.messages.map((message) => JSON.stringify(message))];
    const estimatedCachedTokens = cache.lookUp(units);
    const context: AnswerContext = {
      id: randomId("chatcmpl-"),
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      usage: chatUsage(
        script.usage?.inputTokens ?? estimateTokens(units.join("")),
        script.usage?.outputTokens ?? estimateOutputTokens(script),
        script.usage?.cachedTokens ?? estimatedCachedTokens,
      ),
    };
    if (body.stream) {
      const frames = chatStreamFrames(script, context, body.stream_options?.include_usage === true);
      return sendEventStream(exchange, frames, { chunkDelayMs: script.chunkDelayMs, headers: requestIdHeader() });
    }
    switch (script.type) {
      case "stream-error":
        return sendJson(exchange, 500, errorBody(500, script.message), requestIdHeader());
      case "text":
      case "tool-calls":
        return sendJson(exchange, 200, chatCompletion(script, context), requestIdHeader());
      default:
        return assertNever(script);
    }
  }

  async function answerTranscription(body: TranscriptionFields, exchange: Exchange) {
    if (!body.model) return sendJson(exchange, 400, errorBody(400, "you must provide a model parameter", "model"));
    if (!body.file) return sendJson(exchange, 400, errorBody(400, "you must provide a file", "file"));
    const script = transcripts.shift() ?? {
      type: "text",
      text: `Fake transcript of ${body.file.name} (${body.file.sizeBytes} bytes).`,
    };
    if (!(await pause(script.responseDelayMs ?? 0, exchange.signal))) return;
    if (script.type === "error") return sendScriptedError(exchange, script, errorBody(script.status, script.message), requestIdHeader());
    const format = body.fields.response_format ?? "json";
    if (format === "text" || format === "srt" || format === "vtt") {
      exchange.response.writeHead(200, { "content-type": "text/plain; charset=utf-8", ...requestIdHeader() });
      exchange.response.end(`${script.text}\n`);
      return;
    }
    const verbose = { task: "transcribe", language: body.fields.language ?? "english", duration: 1, segments: [] };
    return sendJson(exchange, 200, format === "verbose_json" ? { ...verbose, text: script.text } : { text: script.text }, requestIdHeader());
  }

  async function answerSpeech(body: SpeechCreateParams | null, exchange: Exchange) {
    const invalid = validateSpeechRequest(body);
    if (invalid || !body) return sendJson(exchange, 400, invalid, requestIdHeader());
    const script = speeches.shift() ?? { type: "audio", bytes: toneWav(1), contentType: "audio/wav" };
    if (!(await pause(script.responseDelayMs ?? 0, exchange.signal))) return;
    if (script.type === "error") return sendScriptedError(exchange, script, errorBody(script.status, script.message), requestIdHeader());
    const contentType = script.contentType ?? speechContentType(body.response_format);
    exchange.response.writeHead(200, { "content-type": contentType, ...requestIdHeader() });
    exchange.response.end(script.bytes);
  }

  const fake = await startHttpFake<OpenAIRecordedRequest>({
    async describe(base, rawBody) {
      const path = base.path.split("?")[0];
      if (base.method === "POST" && path === "/v1/chat/completions") {
        return { ...base, endpoint: "chat-completions", body: parseJson(rawBody) as ChatCompletionCreateParams };
      }
      if (base.method === "POST" && path === "/v1/audio/transcriptions") {
        return { ...base, endpoint: "transcriptions", body: await parseTranscription(base, rawBody) };
      }
      if (base.method === "POST" && path === "/v1/audio/speech") {
        return { ...base, endpoint: "speech", body: parseJson(rawBody) as SpeechCreateParams | null };
      }
      if (base.method === "GET" && path === "/v1/models") return { ...base, endpoint: "models", body: "" };
      if (base.method === "POST" && path === "/v1/embeddings") return { ...base, endpoint: "embeddings", body: parseJson(rawBody) as EmbeddingsRequest["body"] };
      return { ...base, endpoint: "other", body: rawBody.toString("utf8") };
    },
    async respond(recorded, exchange) {
      if (!/^Bearer \S+/.test(recorded.headers.authorization ?? "")) {
        const message =
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
        return sendJson(exchange, 401, { error: { ...errorBody(401, message).error, code: null } }, requestIdHeader());
      }
      switch (recorded.endpoint) {
        case "chat-completions":
          return answerChat(recorded.body, exchange);
        case "transcriptions":
          return answerTranscription(recorded.body, exchange);
        case "speech":
          return answerSpeech(recorded.body, exchange);
        case "models":
          return sendJson(exchange, 200, {
            object: "list",
            data: ["gpt-4o-mini", "gpt-4o", "whisper-1", "tts-1"].map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "fake" })),
          });
        case "embeddings": {
          const input = recorded.body?.input;
          if (!recorded.body?.model || input === undefined) return sendJson(exchange, 400, errorBody(400, "you must provide a model and an input", "input"));
          const texts = typeof input === "string" ? [input] : input;
          const embed = options.embed ?? bagOfWordsVector;
          return sendJson(exchange, 200, {
            object: "list",
            model: recorded.body.model,
            data: texts.map((text, index) => ({ object: "embedding", index, embedding: embed(text) })),
            usage: { prompt_tokens: estimateTokens(texts.join(" ")), total_tokens: estimateTokens(texts.join(" ")) },
          });
        }
        case "other":
          return sendJson(exchange, 404, errorBody(404, `Invalid URL (${recorded.method} ${recorded.path})`), requestIdHeader());
        default:
          return assertNever(recorded);
      }
    },
  });

  return {
    url: `${fake.origin}/v1`,
    requests: fake.requests,
    script: (...responses) => void answers.push(...responses),
    scriptTranscriptions: (...responses) => void transcripts.push(...responses),
    scriptSpeech: (...responses) => void speeches.push(...responses),
    speechRequests: () => fake.requests.filter((request): request is SpeechRequest => request.endpoint === "speech"),
    embeddingsRequests: () => fake.requests.filter((request): request is EmbeddingsRequest => request.endpoint === "embeddings"),
    chatRequests: () => fake.requests.filter((request): request is ChatRequest => request.endpoint === "chat-completions"),
    waitFor: fake.waitFor,
    close: fake.close,
  };
}

function defaultAnswer(body: ChatCompletionCreateParams): ModelScript {
  const last = body.messages.at(-1)?.content;
  const lastText = typeof last === "string" ? last : (last ?? []).map((part) => ("text" in part ? part.text : "")).join(" ");
  return { type: "text", text: `Fake answer: received ${body.messages.length} messages; the last said "${lastText.slice(0, 80)}".` };
}

const requestIdHeader = () => ({ "x-request-id": randomId("req_") });


async function parseTranscription(base: RecordedBase, rawBody: Buffer): Promise<TranscriptionFields> {
  const parsed: TranscriptionFields = { model: undefined, file: undefined, fields: {} };
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(rawBody), { headers: { "content-type": base.headers["content-type"] ?? "" } }).formData();
  } catch {
    return parsed;
  }
  for (const [name, value] of form.entries()) {
    if (name === "file" && typeof value !== "string") parsed.file = { name: value.name, sizeBytes: value.size, type: value.type };
    else if (name === "model" && typeof value === "string") parsed.model = value;
    else if (typeof value === "string") parsed.fields[name] = value;
  }
  return parsed;
}
