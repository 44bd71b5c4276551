import { assertNever } from "../../core/types/errors.ts";
import { argumentsText, randomId, splitPieces, type ModelScript, type ScriptedToolCall } from "./model-script.ts";

/** Shapes of the OpenAI Chat Completions and speech wire formats, as the fake OpenAI server sends them. */

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

export interface AnswerContext {
  id: string;
  created: number;
  model: string;
  usage: ChatUsage;
}

export type Answer = Extract<ModelScript, { type: "text" | "tool-calls" | "stream-error" }>;

export function chatUsage(promptTokens: number, completionTokens: number, cachedTokens: number): ChatUsage {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** Each scripted call with its id (a fresh one unless the script set it) and its arguments text. */
export const withIds = (calls: ScriptedToolCall[]) =>
  calls.map((call) => ({ id: call.id ?? randomId("call_"), name: call.name, arguments: argumentsText(call) }));

const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/**
 * The `data:` frames of a streamed answer: a role chunk, content pieces, each tool call opened
 * with its id and name and its arguments in pieces, a finish chunk, the usage chunk when
 * `include_usage` was asked for, then `[DONE]`.
 */
export function chatStreamFrames(answer: Answer, context: AnswerContext, includeUsage: boolean): string[] {
  const chunk = (delta: Record<string, unknown> | undefined, finishReason: string | null = null) => ({
    id: context.id,
    object: "chat.completion.chunk",
    created: context.created,
    model: context.model,
    service_tier: "default",
    system_fingerprint: "fp_fake",
    choices: delta === undefined ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const textFrames = (text: string | undefined) =>
    text === undefined
      ? []
      : [
          frame(chunk({ role: "assistant", content: "", refusal: null })),
          ...splitPieces(text, answer.chunkCount).map((piece) => frame(chunk({ content: piece }))),
        ];
  const frames: string[] = [];
  switch (answer.type) {
    case "text":
      frames.push(...textFrames(answer.text), frame(chunk({}, answer.stop === "max-tokens" ? "length" : "stop")));
      break;
    case "tool-calls": {
      frames.push(...textFrames(answer.text));
      withIds(answer.calls).forEach((call, index) => {
        const opening = index === 0 && answer.text === undefined ? { role: "assistant", content: null, refusal: null } : {};
        const head = { index, id: call.id, type: "function", function: { name: call.name, arguments: "" } };
        frames.push(frame(chunk({ ...opening, tool_calls: [head] })));
        for (const piece of splitPieces(call.arguments, answer.chunkCount)) {
          if (piece) frames.push(frame(chunk({ tool_calls: [{ index, function: { arguments: piece } }] })));
        }
      });
      frames.push(frame(chunk({}, "tool_calls")));
      break;
    }
    case "stream-error":
      frames.push(...textFrames(answer.text ?? ""));
      frames.push(frame({ error: errorBody(500, answer.message).error }));
      return frames;
    default:
      return assertNever(answer);
  }
  if (includeUsage) frames.push(frame({ ...chunk(undefined), usage: context.usage }));
  frames.push("data: [DONE]\n\n");
  return frames;
}

/** A non-streamed `chat.completion` object. */
export function chatCompletion(answer: Extract<Answer, { type: "text" | "tool-calls" }>, context: AnswerContext) {
  const message =
    answer.type === "text"
      ? { role: "assistant", content: answer.text, refusal: null, annotations: [] }
      : {
          role: "assistant",
          content: answer.text ?? null,
          refusal: null,
          annotations: [],
          tool_calls: withIds(answer.calls).map((call) => ({
            id: call.id,
            type: "function",
            function: { name: call.name, arguments: call.arguments },
          })),
        };
  const finishReason = answer.type === "tool-calls" ? "tool_calls" : answer.stop === "max-tokens" ? "length" : "stop";
  return {
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
    usage: context.usage,
    service_tier: "default",
    system_fingerprint: "fp_fake",
  };
}

const ERRORS: Record<number, { type: string; code: string | null; message: string }> = {
  400: { type: "invalid_request_error", code: null, message: "Invalid request." },
  401: {
    type: "invalid_request_error",
    code: "invalid_api_key",
    message: "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.",
  },
  403: { type: "invalid_request_error", code: "unsupported_country_region_territory", message: "Forbidden." },
  404: { type: "invalid_request_error", code: "model_not_found", message: "The model does not exist or you do not have access to it." },
  429: { type: "requests", code: "rate_limit_exceeded", message: "Rate limit reached for requests. Please try again later." },
  500: { type: "server_error", code: null, message: "The server had an error while processing your request. Sorry about that!" },
  503: { type: "server_error", code: null, message: "The engine is currently overloaded, please try again later." },
};

/** OpenAI's error body: `{ error: { message, type, param, code } }`. */
export function errorBody(status: number, message?: string, param: string | null = null) {
  const known = ERRORS[status] ?? (status >= 500 ? ERRORS[500]! : ERRORS[400]!);
  return { error: { message: message ?? known.message, type: known.type, param, code: known.code } };
}

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * The request checks of the real endpoint that catch agent bugs: a model and messages are given,
 * tool names are valid, every assistant `tool_calls` is answered by `tool` messages right after it,
 * and no `tool` message answers a call that was not made. Returns the 400 error body, if any.
 */
export function validateChatRequest(body: unknown): ReturnType<typeof errorBody> | undefined {
  if (typeof body !== "object" || body === null) {
    return errorBody(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)");
  }
  const { model, messages, tools } = body as { model?: unknown; messages?: unknown; tools?: unknown };
  if (typeof model !== "string" || model === "") return errorBody(400, "you must provide a model parameter");
  if (!Array.isArray(messages) || messages.length === 0) {
    return errorBody(400, `${JSON.stringify(messages ?? null)} is too short - 'messages'`, "messages");
  }
  for (const [index, tool] of (Array.isArray(tools) ? tools : []).entries()) {
    const name = (tool as { function?: { name?: unknown } })?.function?.name;
    if (typeof name !== "string" || !TOOL_NAME.test(name)) {
      return errorBody(400, `Invalid 'tools[${index}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`, `tools[${index}].function.name`);
    }
  }
  let unanswered: string[] = [];
  for (const [index, message] of messages.entries()) {
    const { role, tool_call_id: toolCallId, tool_calls: toolCalls } = message as {
      role?: unknown;
      tool_call_id?: unknown;
      tool_calls?: Array<{ id?: unknown }>;
    };
    if (role === "tool") {
      if (typeof toolCallId !== "string" || !unanswered.includes(toolCallId)) {
        return errorBody(400, "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.", `messages.[${index}].role`);
      }
      unanswered = unanswered.filter((id) => id !== toolCallId);
      continue;
    }
    if (unanswered.length > 0) return missingToolAnswers(unanswered);
    if (role === "assistant" && Array.isArray(toolCalls)) unanswered = toolCalls.map((call) => String(call.id));
  }
  return unanswered.length > 0 ? missingToolAnswers(unanswered) : undefined;
}

const missingToolAnswers = (ids: string[]) =>
  errorBody(400, `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${ids.join(", ")}`, "messages");

/** Speech (`POST /v1/audio/speech`): the formats the real endpoint offers, with their content types. */
const SPEECH_FORMATS: Record<string, string> = {
  mp3: "audio/mpeg",
  opus: "audio/ogg",
  aac: "audio/aac",
  flac: "audio/flac",
  wav: "audio/wav",
  pcm: "audio/pcm",
};

export const speechContentType = (format: string | undefined): string => SPEECH_FORMATS[format ?? "mp3"] ?? "application/octet-stream";

/** The request checks of the real speech endpoint: model, voice and a non-empty input of at most 4096 characters, a known format. */
export function validateSpeechRequest(body: unknown): ReturnType<typeof errorBody> | undefined {
  if (typeof body !== "object" || body === null) {
    return errorBody(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly.)");
  }
  const { model, voice, input, response_format: format } = body as Record<string, unknown>;
  if (typeof model !== "string" || model === "") return errorBody(400, "you must provide a model parameter");
  if (typeof input !== "string" || input === "") return errorBody(400, "Missing required parameter: 'input'.", "input");
  if (input.length > 4096) {
    return errorBody(400, `string too long. Expected a string with maximum length 4096, but got a string with length ${input.length} instead.`, "input");
  }
  if (voice === undefined || voice === "") return errorBody(400, "Missing required parameter: 'voice'.", "voice");
  if (format !== undefined && (typeof format !== "string" || !(format in SPEECH_FORMATS))) {
    return errorBody(400, `Invalid value: '${String(format)}'. Supported values are: 'mp3', 'opus', 'aac', 'flac', 'wav', and 'pcm'.`, "response_format");
  }
  return undefined;
}

/** A 440 Hz tone as a 16-bit mono WAV at 24 kHz, the rate of OpenAI's own wav and pcm. */
export function toneWav(durationSec: number, sampleRateHz = 24_000): Uint8Array {
  const samples = Math.round(durationSec * sampleRateHz);
  const wav = new Uint8Array(44 + samples * 2);
  const view = new DataView(wav.buffer);
  new TextEncoder().encodeInto("RIFF", wav.subarray(0, 4));
  view.setUint32(4, 36 + samples * 2, true);
  new TextEncoder().encodeInto("WAVEfmt ", wav.subarray(8, 16));
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRateHz, true);
  view.setUint32(28, sampleRateHz * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  new TextEncoder().encodeInto("data", wav.subarray(36, 40));
  view.setUint32(40, samples * 2, true);
  for (let i = 0; i < samples; i++) view.setInt16(44 + i * 2, Math.round(12_000 * Math.sin((2 * Math.PI * 440 * i) / sampleRateHz)), true);
  return wav;
}
