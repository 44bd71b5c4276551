import type { JSONSchema } from "zod/v4/core";
import type { PreparedImage } from "../../core/media.ts";

/** The provider-neutral conversation the tool loop keeps; providers translate it to their wire format. */
export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, as the model wrote it. */
  arguments: string;
}

export type LlmMessage =
  | { role: "user"; text: string; images?: PreparedImage[] }
  | { role: "assistant"; text: string; toolCalls: ToolCall[] }
  | { role: "tool"; toolCallId: string; name: string; text: string };

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JSONSchema.BaseSchema;
}

export interface ModelRequest {
  /** The provider's own model when absent. */
  model?: string;
  system: string;
  messages: LlmMessage[];
  tools: ToolSpec[];
  maxOutputTokens: number;
  /** Messages before this index are the stable prefix (a cache breakpoint goes after them). */
  stablePrefixLength: number;
}

export type ModelEvent =
  | { type: "text"; text: string }
  | { type: "tool-calls"; calls: ToolCall[] }
  | { type: "usage"; inputTokens: number; outputTokens: number; cachedTokens: number };

export interface ModelProvider {
  model: string;
  /** The models the endpoint offers (`pincer doctor`): proves the URL and the key without spending a token. */
  listModels(signal: AbortSignal): Promise<string[]>;
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelEvent>;
}
