import type { MessageCreateParams } from "@anthropic-ai/sdk/resources/messages";
import { assertNever } from "../../core/types/errors.ts";
import { errorBody, message, messageStreamFrames, promptUnits, validateMessagesRequest, type AnswerContext } from "./anthropic-wire.ts";
import { parseJson, pause, sendEventStream, sendJson, sendScriptedError, startHttpFake, type Exchange, type RecordedBase } from "./http-fake.ts";
import { estimateOutputTokens, estimateTokens, randomId, type ModelScript } from "./model-script.ts";
import { createBreakpointCache } from "./prompt-cache.ts";

export type { ModelScript } from "./model-script.ts";

export type MessagesRequest = RecordedBase & { endpoint: "messages"; body: MessageCreateParams };

export type AnthropicRecordedRequest =
  | MessagesRequest
  | (RecordedBase & { endpoint: "models"; body: string })
  | (RecordedBase & { endpoint: "other"; body: string });

export interface FakeAnthropicOptions {
  /** Answers a messages request when the script is empty (default: a text saying how many messages arrived). */
  fallback?: (body: MessageCreateParams) => ModelScript;
  /** Smallest prefix that `cache_control` caches (default 0; real Anthropic: 1024 or more). */
  minCacheTokens?: number;
}

export interface FakeAnthropic {
  /** Base URL without `/v1`, for `new Anthropic({ baseURL })` (the SDK adds `/v1/messages`). */
  url: string;
  /** Every request received, in order, with its parsed body; refused ones too. */
  requests: AnthropicRecordedRequest[];
  /** Queues answers to the next messages requests, one entry per request. */
  script(...responses: ModelScript[]): void;
  /** The messages requests so far. */
  messageRequests(): MessagesRequest[];
  waitFor(predicate: (requests: AnthropicRecordedRequest[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A fake Anthropic server: `POST /v1/messages`, streaming or not. */
export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const answers: ModelScript[] = [];
  const cache = createBreakpointCache(options.minCacheTokens);

  async function answerMessages(body: MessageCreateParams, exchange: Exchange) {
    const invalid = validateMessagesRequest(body);
    if (invalid) return sendJson(exchange, 400, invalid, requestIdHeader());
    const script = answers.shift() ?? options.fallback?.(body) ?? defaultAnswer(body);
    if (!(await pause(script.responseDelayMs ?? 0, exchange.signal))) return;
    if (script.type === "error") return sendScriptedError(exchange, script, errorBody(script.status, script.message), requestIdHeader());
    const units = promptUnits(body);
    const estimated = cache.lookUp(units);
    const cachedTokens = script.usage?.cachedTokens ?? estimated.readTokens;
    const cacheWriteTokens = script.usage?.cacheWriteTokens ?? estimated.writeTokens;
    const context: AnswerContext = {
      id: randomId("msg_"),
      model: body.model,
      usage: {
        input_tokens:
          script.usage?.inputTokens ?? Math.max(0, estimateTokens(units.map((unit) => unit.text).join("")) - cachedTokens - cacheWriteTokens),
        cache_creation_input_tokens: cacheWriteTokens,
        cache_read_input_tokens: cachedTokens,
        output_tokens: script.usage?.outputTokens ?? estimateOutputTokens(script),
      },
    };
    if (body.stream) {
      return sendEventStream(exchange, messageStreamFrames(script, context), {
        chunkDelayMs: script.chunkDelayMs,
        headers: requestIdHeader(),
      });
    }
    switch (script.type) {
      case "stream-error":
        return sendJson(exchange, 529, errorBody(529, script.message), requestIdHeader());
      case "text":
      case "tool-calls":
        return sendJson(exchange, 200, message(script, context), requestIdHeader());
      default:
        return assertNever(script);
    }
  }

  const fake = await startHttpFake<AnthropicRecordedRequest>({
    async describe(base, rawBody) {
      if (base.method === "POST" && base.path.split("?")[0] === "/v1/messages") {
        return { ...base, endpoint: "messages", body: parseJson(rawBody) as MessageCreateParams };
      }
      if (base.method === "GET" && base.path.split("?")[0] === "/v1/models") return { ...base, endpoint: "models", body: "" };
      return { ...base, endpoint: "other", body: rawBody.toString("utf8") };
    },
    async respond(recorded, exchange) {
      // The SDK (1.x) sends its API key as `authorization: Bearer …`; older clients use `x-api-key`.
      if (!recorded.headers["x-api-key"] && !/^Bearer \S+/.test(recorded.headers.authorization ?? "")) {
        return sendJson(exchange, 401, errorBody(401, "x-api-key header is required"), requestIdHeader());
      }
      if (!recorded.headers["anthropic-version"]) {
        return sendJson(exchange, 400, errorBody(400, "anthropic-version: header is required"), requestIdHeader());
      }
      switch (recorded.endpoint) {
        case "messages":
          return answerMessages(recorded.body, exchange);
        case "models": {
          const data = ["claude-sonnet-4-5", "claude-haiku-4-5"].map((id) => ({ type: "model", id, display_name: id, created_at: "2025-09-29T00:00:00Z" }));
          return sendJson(exchange, 200, { data, has_more: false, first_id: data[0]!.id, last_id: data.at(-1)!.id });
        }
        case "other":
          return sendJson(exchange, 404, errorBody(404, `${recorded.method} ${recorded.path}: not found`), requestIdHeader());
        default:
          return assertNever(recorded);
      }
    },
  });

  return {
    url: fake.origin,
    requests: fake.requests,
    script: (...responses) => void answers.push(...responses),
    messageRequests: () => fake.requests.filter((request): request is MessagesRequest => request.endpoint === "messages"),
    waitFor: fake.waitFor,
    close: fake.close,
  };
}

function defaultAnswer(body: MessageCreateParams): ModelScript {
  const last = body.messages.at(-1)?.content;
  const lastText =
    typeof last === "string" ? last : (last ?? []).map((block) => (block.type === "text" ? block.text : "")).join(" ");
  return { type: "text", text: `Fake answer: received ${body.messages.length} messages; the last said "${lastText.slice(0, 80)}".` };
}

const requestIdHeader = () => ({ "request-id": randomId("req_") });
