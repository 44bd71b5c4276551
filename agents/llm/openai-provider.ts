import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { serviceError } from "../../core/service-error.ts";
import type { LlmMessage, ModelEvent, ModelProvider, ModelRequest, ToolCall } from "./model.ts";

export interface OpenAiProviderOptions {
  baseUrl: string | undefined;
  apiKey: string | undefined;
  model: string;
  maxRetries?: number;
  timeoutMs?: number;
}

function toWire(message: LlmMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case "user":
      if (!message.images?.length) return { role: "user", content: message.text };
      return {
        role: "user",
        content: [
          { type: "text", text: message.text },
          ...message.images.map((image) => ({ type: "image_url" as const, image_url: { url: `data:${image.mimeType};base64,${image.base64}` } })),
        ],
      };
    case "assistant":
      return {
        role: "assistant",
        content: message.text || null,
        ...(message.toolCalls.length > 0
          ? { tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: "function" as const, function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      };
    case "tool":
      return { role: "tool", tool_call_id: message.toolCallId, content: message.text };
  }
}

/** Any OpenAI-compatible Chat Completions endpoint, through the official SDK (which retries 429/5xx with backoff). */
export function createOpenAiProvider(options: OpenAiProviderOptions): ModelProvider {
  const client = new OpenAI({
    baseURL: options.baseUrl ?? null,
    // Local servers (Ollama, llama.cpp, vLLM) need no key; the SDK insists on one.
    apiKey: options.apiKey ?? "no-key",
    maxRetries: options.maxRetries ?? 3,
    timeout: options.timeoutMs ?? 120_000,
  });
  return {
    model: options.model,
    async listModels(signal) {
      try {
        const ids: string[] = [];
        for await (const model of client.models.list({ signal })) ids.push(model.id);
        return ids;
      } catch (thrown) {
        throw serviceError(thrown, { service: "errors.service.model", keyVariable: "OPENAI_API_KEY" });
      }
    },
    async *stream(request: ModelRequest, signal: AbortSignal): AsyncGenerator<ModelEvent> {
      const tools: ChatCompletionTool[] = request.tools.map((tool) => ({
        type: "function",
        function: { name: tool.name, description: tool.description, parameters: tool.parameters as Record<string, unknown> },
      }));
      const calls = new Map<number, ToolCall>();
      try {
        const stream = await client.chat.completions.create(
          {
            model: request.model ?? options.model,
            messages: [{ role: "system", content: request.system }, ...request.messages.map(toWire)],
            ...(tools.length > 0 ? { tools } : {}),
            max_tokens: request.maxOutputTokens,
            stream: true,
            stream_options: { include_usage: true },
          },
          { signal },
        );
        for await (const chunk of stream) {
          const delta = chunk.choices[0]?.delta;
          if (delta?.content) yield { type: "text", text: delta.content };
          for (const piece of delta?.tool_calls ?? []) {
            const call = calls.get(piece.index) ?? { id: "", name: "", arguments: "" };
            call.id ||= piece.id ?? "";
            call.name += piece.function?.name ?? "";
            call.arguments += piece.function?.arguments ?? "";
            calls.set(piece.index, call);
          }
          if (chunk.usage) {
            yield {
              type: "usage",
              inputTokens: chunk.usage.prompt_tokens,
              outputTokens: chunk.usage.completion_tokens,
              cachedTokens: chunk.usage.prompt_tokens_details?.cached_tokens ?? 0,
            };
          }
        }
        // openai 7 ends the stream quietly on abort instead of throwing: a cut-off answer is no answer.
        signal.throwIfAborted();
      } catch (thrown) {
        throw serviceError(thrown, { service: "errors.service.model", keyVariable: "OPENAI_API_KEY" });
      }
      if (calls.size > 0) {
        yield { type: "tool-calls", calls: [...calls.entries()].sort(([a], [b]) => a - b).map(([index, call]) => ({ ...call, id: call.id || `call_${index}` })) };
      }
    },
  };
}
