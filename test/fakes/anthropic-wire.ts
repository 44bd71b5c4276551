import { assertNever } from "../../core/types/errors.ts";
import { argumentsText, randomId, splitPieces, type ModelScript, type ScriptedToolCall } from "./model-script.ts";
import type { CacheUnit } from "./prompt-cache.ts";

/** Shapes of the Anthropic Messages wire format, as the fake Anthropic server sends them. */

export interface MessageUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
}

export interface AnswerContext {
  id: string;
  model: string;
  usage: MessageUsage;
}

export type Answer = Extract<ModelScript, { type: "text" | "tool-calls" | "stream-error" }>;

const withIds = (calls: ScriptedToolCall[]) =>
  calls.map((call) => ({ id: call.id ?? randomId("toolu_"), name: call.name, json: argumentsText(call) }));

const stopReason = (answer: Answer) =>
  answer.type === "tool-calls" ? "tool_use" : answer.type === "text" && answer.stop === "max-tokens" ? "max_tokens" : "end_turn";

const event = (data: { type: string; [key: string]: unknown }) => `event: ${data.type}\ndata: ${JSON.stringify(data)}\n\n`;

function wireUsage(usage: MessageUsage) {
  return {
    ...usage,
    cache_creation: { ephemeral_5m_input_tokens: usage.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 },
    service_tier: "standard",
  };
}

/**
 * The events of a streamed answer: `message_start`, per content block `content_block_start`
 * (a `ping` after the first), `content_block_delta` pieces (`text_delta` or `input_json_delta`)
 * and `content_block_stop`, then `message_delta` with the stop reason and final usage, and
 * `message_stop`. A `stream-error` answer ends with an `error` event instead.
 */
export function messageStreamFrames(answer: Answer, context: AnswerContext): string[] {
  const frames = [
    event({
      type: "message_start",
      message: {
        id: context.id,
        type: "message",
        role: "assistant",
        model: context.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: wireUsage({ ...context.usage, output_tokens: 1 }),
      },
    }),
  ];
  let index = 0;
  const block = (start: unknown, deltas: unknown[]) => {
    frames.push(event({ type: "content_block_start", index, content_block: start }));
    if (index === 0) frames.push(event({ type: "ping" }));
    for (const delta of deltas) frames.push(event({ type: "content_block_delta", index, delta }));
    frames.push(event({ type: "content_block_stop", index }));
    index += 1;
  };
  const text = answer.text;
  if (text !== undefined || answer.type === "stream-error") {
    const pieces = splitPieces(text ?? "", answer.chunkCount);
    if (answer.type === "stream-error") {
      frames.push(event({ type: "content_block_start", index, content_block: { type: "text", text: "" } }));
      for (const piece of pieces) {
        frames.push(event({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } }));
      }
      frames.push(event(errorBody(529, answer.message)));
      return frames;
    }
    block({ type: "text", text: "" }, pieces.map((piece) => ({ type: "text_delta", text: piece })));
  }
  if (answer.type === "tool-calls") {
    for (const call of withIds(answer.calls)) {
      const pieces = ["", ...splitPieces(call.json, answer.chunkCount).filter(Boolean)];
      block(
        { type: "tool_use", id: call.id, name: call.name, input: {} },
        pieces.map((piece) => ({ type: "input_json_delta", partial_json: piece })),
      );
    }
  }
  frames.push(
    event({
      type: "message_delta",
      delta: { stop_reason: stopReason(answer), stop_sequence: null },
      usage: context.usage,
    }),
    event({ type: "message_stop" }),
  );
  return frames;
}

/** A non-streamed `message` object. */
export function message(answer: Extract<Answer, { type: "text" | "tool-calls" }>, context: AnswerContext) {
  const content: unknown[] = [];
  switch (answer.type) {
    case "text":
      content.push({ type: "text", text: answer.text });
      break;
    case "tool-calls":
      if (answer.text !== undefined) content.push({ type: "text", text: answer.text });
      for (const call of withIds(answer.calls)) content.push({ type: "tool_use", id: call.id, name: call.name, input: parseOr(call.json) });
      break;
    default:
      return assertNever(answer);
  }
  return {
    id: context.id,
    type: "message",
    role: "assistant",
    model: context.model,
    content,
    stop_reason: stopReason(answer),
    stop_sequence: null,
    usage: wireUsage(context.usage),
  };
}

function parseOr(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

const ERRORS: Record<number, { type: string; message: string }> = {
  400: { type: "invalid_request_error", message: "Invalid request." },
  401: { type: "authentication_error", message: "invalid x-api-key" },
  402: { type: "billing_error", message: "Your credit balance is too low to access the Anthropic API." },
  403: { type: "permission_error", message: "Your API key does not have permission to use the specified resource." },
  404: { type: "not_found_error", message: "Not found." },
  413: { type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." },
  429: { type: "rate_limit_error", message: "This request would exceed the rate limit for your organization. Please try again later." },
  500: { type: "api_error", message: "Internal server error" },
  504: { type: "timeout_error", message: "Request timed out." },
  529: { type: "overloaded_error", message: "Overloaded" },
};

/** Anthropic's error body: `{ type: "error", error: { type, message }, request_id }`. */
export function errorBody(status: number, message?: string) {
  const known = ERRORS[status] ?? (status >= 500 ? ERRORS[500]! : ERRORS[400]!);
  return { type: "error", error: { type: known.type, message: message ?? known.message }, request_id: randomId("req_") };
}

type Block = { type?: unknown; id?: unknown; tool_use_id?: unknown; cache_control?: unknown };
type Turn = { role?: unknown; content?: unknown };

const blocksOf = (content: unknown): Block[] =>
  typeof content === "string" ? [{ type: "text" }] : Array.isArray(content) ? (content as Block[]) : [];

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

/**
 * The request checks of the real endpoint that catch agent bugs: model, max_tokens and messages
 * are given, roles are user or assistant, tool names are valid, at most 4 `cache_control`
 * breakpoints, every `tool_use` is answered by a `tool_result` in the next message and every
 * `tool_result` answers a `tool_use` of the previous one. Returns the 400 error body, if any.
 */
export function validateMessagesRequest(body: unknown): ReturnType<typeof errorBody> | undefined {
  if (typeof body !== "object" || body === null) return errorBody(400, "Request body is not valid JSON.");
  const { model, max_tokens: maxTokens, messages, tools, system } = body as Record<string, unknown>;
  if (typeof model !== "string") return errorBody(400, "model: Field required");
  if (typeof maxTokens !== "number") return errorBody(400, "max_tokens: Field required");
  if (!Array.isArray(messages)) return errorBody(400, "messages: Field required");
  if (messages.length === 0) return errorBody(400, "messages: at least one message is required");
  const toolList = Array.isArray(tools) ? (tools as Array<{ name?: unknown; cache_control?: unknown }>) : [];
  for (const [index, tool] of toolList.entries()) {
    if (typeof tool.name !== "string" || !TOOL_NAME.test(tool.name)) {
      return errorBody(400, `tools.${index}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
    }
  }
  const turns = messages as Turn[];
  const breakpoints = [...toolList, ...blocksOf(system), ...turns.flatMap((turn) => blocksOf(turn.content))].filter(
    (item) => item.cache_control != null,
  ).length;
  if (breakpoints > 4) return errorBody(400, `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`);
  let calledIds: string[] = [];
  for (const [index, turn] of turns.entries()) {
    if (turn.role !== "user" && turn.role !== "assistant") {
      return errorBody(400, `messages.${index}.role: Input should be 'user' or 'assistant'`);
    }
    const blocks = blocksOf(turn.content);
    const answered = blocks.filter((block) => block.type === "tool_result").map((block) => String(block.tool_use_id));
    const stray = answered.find((id) => !calledIds.includes(id));
    if (stray !== undefined) {
      const position = blocks.findIndex((block) => block.type === "tool_result" && block.tool_use_id === stray);
      return errorBody(400, `messages.${index}.content.${position}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${stray}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
    }
    const unanswered = calledIds.filter((id) => !answered.includes(id));
    if (unanswered.length > 0) return missingResults(index - 1, unanswered);
    calledIds = turn.role === "assistant" ? blocks.filter((block) => block.type === "tool_use").map((block) => String(block.id)) : [];
  }
  return calledIds.length > 0 ? missingResults(turns.length - 1, calledIds) : undefined;
}

const missingResults = (index: number, ids: string[]) =>
  errorBody(400, `messages.${index}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${ids.join(", ")}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);

/** The prompt as cacheable units in Anthropic's order: tools, system, then each message's blocks. */
export function promptUnits(body: { tools?: unknown; system?: unknown; messages: unknown[] }): CacheUnit[] {
  const unit = (item: unknown, prefix = ""): CacheUnit => {
    if (typeof item !== "object" || item === null) return { text: prefix + JSON.stringify(item), isBreakpoint: false };
    const { cache_control: cacheControl, ...rest } = item as Record<string, unknown>;
    return { text: prefix + JSON.stringify(rest), isBreakpoint: cacheControl != null };
  };
  const units: CacheUnit[] = (Array.isArray(body.tools) ? body.tools : []).map((tool) => unit(tool));
  if (typeof body.system === "string") units.push(unit({ type: "text", text: body.system }));
  else if (Array.isArray(body.system)) units.push(...body.system.map((block) => unit(block)));
  for (const turn of body.messages as Turn[]) {
    const blocks = typeof turn.content === "string" ? [{ type: "text", text: turn.content }] : Array.isArray(turn.content) ? turn.content : [];
    blocks.forEach((block, position) => units.push(unit(block, position === 0 ? `${String(turn.role)}:` : "")));
  }
  return units;
}
