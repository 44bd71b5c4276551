import OpenAI from "openai";

export interface OpenAiEndpoint {
  /** Any OpenAI-compatible API root; the SDK's default (OpenAI) when absent. */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  timeoutMs: number;
  maxRetries?: number;
}

/** The official SDK pointed at an OpenAI-compatible endpoint, for speech in either direction. */
export function createOpenAiClient(endpoint: OpenAiEndpoint): OpenAI {
  return new OpenAI({
    baseURL: endpoint.baseUrl ?? null,
    // Local speech servers (whisper.cpp, faster-whisper, kokoro…) need no key; the SDK insists on one.
    apiKey: endpoint.apiKey ?? "no-key",
    maxRetries: endpoint.maxRetries ?? 2,
    timeout: endpoint.timeoutMs,
  });
}
