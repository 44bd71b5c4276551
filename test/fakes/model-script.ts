import { assertNever } from "../../core/types/errors.ts";

/**
 * What a fake model server answers, one entry per request, shared by the OpenAI and Anthropic
 * fakes so a test can run the same script against either provider.
 */

/** Overrides the fake's own token estimates, field by field, in the provider's own semantics. */
export interface ScriptedUsage {
  /** OpenAI `prompt_tokens` (includes cached ones); Anthropic `input_tokens` (excludes cached ones). */
  inputTokens?: number;
  /** OpenAI `completion_tokens`; Anthropic `output_tokens`. */
  outputTokens?: number;
  /** OpenAI `prompt_tokens_details.cached_tokens`; Anthropic `cache_read_input_tokens`. */
  cachedTokens?: number;
  /** Anthropic `cache_creation_input_tokens`; ignored by the OpenAI fake. */
  cacheWriteTokens?: number;
}

export interface ScriptedToolCall {
  /** Defaults to a fresh `call_…` (OpenAI) or `toolu_…` (Anthropic) id. */
  id?: string;
  name: string;
  /** An object is sent as its JSON; a string is sent verbatim, so a test can send malformed JSON. */
  arguments: Record<string, unknown> | string;
}

/** How a streamed answer is paced; a slow stream lets a test abort in the middle of it. */
export interface Pacing {
  /** Wait between two stream frames (default 0). */
  chunkDelayMs?: number;
  /** Pieces each text or arguments string is cut into when streamed (default 4). */
  chunkCount?: number;
  /** Wait before the status line is sent (default 0), e.g. to trip a client timeout. */
  responseDelayMs?: number;
}

export type ModelScript =
  | ({ type: "text"; text: string; usage?: ScriptedUsage; stop?: "end" | "max-tokens" } & Pacing)
  | ({ type: "tool-calls"; calls: ScriptedToolCall[]; text?: string; usage?: ScriptedUsage } & Pacing)
  | ErrorScript
  /** Starts a normal stream, sends `text`, then an in-stream error (non-streaming requests get it as an HTTP error). */
  | ({ type: "stream-error"; text?: string; message?: string; usage?: ScriptedUsage } & Pacing);

export interface ErrorScript {
  type: "error";
  status: number;
  /** Goes into the provider's error shape; ignored when `body` is given. */
  message?: string;
  /** Sent verbatim as JSON instead of the provider's error shape. */
  body?: unknown;
  /** Sets `retry-after` (seconds). */
  retryAfterSec?: number;
  headers?: Record<string, string>;
  responseDelayMs?: number;
}

/** Rough token count used when the script gives none: one token per four characters. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

/** Cuts `text` into at most `count` consecutive non-empty pieces (one empty piece for ""). */
export function splitPieces(text: string, count = 4): string[] {
  if (text.length === 0) return [""];
  const size = Math.ceil(text.length / Math.max(1, count));
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

export const argumentsText = (call: ScriptedToolCall): string =>
  typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments);

/** Output tokens of an answer: its text plus every tool call's name and arguments. */
export function estimateOutputTokens(script: ModelScript): number {
  switch (script.type) {
    case "text":
      return Math.max(1, estimateTokens(script.text));
    case "tool-calls":
      return Math.max(
        1,
        estimateTokens((script.text ?? "") + script.calls.map((call) => call.name + argumentsText(call)).join("")),
      );
    case "stream-error":
      return Math.max(1, estimateTokens(script.text ?? ""));
    case "error":
      return 0;
    default:
      return assertNever(script);
  }
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

export function randomId(prefix: string, length = 24): string {
  let id = prefix;
  for (let index = 0; index < length; index += 1) id += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return id;
}
