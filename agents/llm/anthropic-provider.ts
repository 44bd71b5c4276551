import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, TextBlockParam, Tool } from "@anthropic-ai/sdk/resources/messages";
import { serviceError } from "../../core/service-error.ts";
import type { LlmMessage, ModelEvent, ModelProvider, ModelRequest, ToolCall } from "./model.ts";

export interface AnthropicProviderOptions {
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  maxRetries?: number;
  timeoutMs?: number;
}

const cache = { type: "ephemeral" as const };

function parseArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || "{}");
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Anthropic wants alternating turns with tool results inside user turns; consecutive same-role messages are merged. */
function toWire(messages: readonly LlmMessage[], stablePrefixLength: number): MessageParam[] {
  const wire: MessageParam[] = [];
  const push = (role: "user" | "assistant", blocks: Exclude<MessageParam["content"], string>) => {
    const last = wire.at(-1);
    if (last && last.role === role && Array.isArray(last.content)) last.content.push(...blocks);
    else wire.push({ role, content: [...blocks] });
  };
  messages.forEach((message, index) => {
    const cacheControl = index === stablePrefixLength - 1 ? { cache_control: cache } : {};
    switch (message.role) {
      case "user":
        push("user", [
          ...(message.images ?? []).map((image) => ({
            type: "image" as const,
            source: { type: "base64" as const, media_type: image.mimeType, data: image.base64 },
          })),
          { type: "text", text: message.text, ...cacheControl },
        ]);
        break;
      case "assistant":
        push("assistant", [
          ...(message.text ? [{ type: "text" as const, text: message.text, ...cacheControl }] : []),
          ...message.toolCalls.map((call) => ({ type: "tool_use" as const, id: call.id, name: call.name, input: parseArguments(call.arguments) })),
        ]);
        break;
      case "tool":
        push("user", [{ type: "tool_result", tool_use_id: message.toolCallId, content: message.text }]);
        break;
    }
  });
  return wire;
}

/** The Anthropic Messages API through the official SDK, with cache breakpoints on the stable prefix. */
export function createAnthropicProvider(options: AnthropicProviderOptions): ModelProvider {
  const client = new Anthropic({
    ...(options.baseUrl ? { baseURL: options.baseUrl } : {}),
    apiKey: options.apiKey ?? null,
    maxRetries: options.maxRetries ?? 3,
    timeout: options.timeoutMs ?? 120_000,
  });
  return {
    model: options.model,
    async listModels(signal) {
      try {
        const ids: string[] = [];
        for await (const model of client.models.list({}, { signal })) ids.push(model.id);
        return ids;
      } catch (thrown) {
        throw serviceError(thrown, { service: "errors.service.model", keyVariable: "ANTHROPIC_API_KEY" });
      }
    },
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
      const tools: Tool[] = request.tools.map((tool, index) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.parameters as Tool["input_schema"],
        ...(index === request.tools.length - 1 ? { cache_control: cache } : {}),
      }));
      const system: TextBlockParam[] = [{ type: "text", text: request.system, cache_control: cache }];
      const calls = new Map<number, ToolCall>();
      let inputTokens = 0;
      let cachedTokens = 0;
      let outputTokens = 0;
      try {
        const stream = client.messages.stream(
          {
            model: request.model ?? options.model,
            max_tokens: request.maxOutputTokens,
            system,
            messages: toWire(request.messages, request.stablePrefixLength),
            ...(tools.length > 0 ? { tools } : {}),
          },
          { signal },
        );
        for await (const event of stream) {
          switch (event.type) {
            case "message_start":
              inputTokens = event.message.usage.input_tokens + (event.message.usage.cache_creation_input_tokens ?? 0);
              cachedTokens = event.message.usage.cache_read_input_tokens ?? 0;
              outputTokens = event.message.usage.output_tokens;
              break;
            case "content_block_start":
              if (event.content_block.type === "tool_use") {
                calls.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: "" });
              }
              break;
            case "content_block_delta":
              if (event.delta.type === "text_delta") yield { type: "text", text: event.delta.text };
              if (event.delta.type === "input_json_delta") {
                const call = calls.get(event.index);
                if (call) call.arguments += event.delta.partial_json;
              }
              break;
            case "message_delta":
              outputTokens = event.usage.output_tokens;
              break;
            default:
              break;
          }
        }
        signal.throwIfAborted();
      } catch (thrown) {
        throw serviceError(thrown, { service: "errors.service.model", keyVariable: "ANTHROPIC_API_KEY" });
      }
      // Anthropic counts cached reads apart from input_tokens; the ledger wants the whole prompt.
      yield { type: "usage", inputTokens: inputTokens + cachedTokens, outputTokens, cachedTokens };
      if (calls.size > 0) yield { type: "tool-calls", calls: [...calls.values()] };
    },
  };
}
