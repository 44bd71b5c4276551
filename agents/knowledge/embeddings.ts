import { BridgeError } from "../../core/types/errors.ts";

/** Turns texts into vectors, in order. */
export type Embed = (texts: readonly string[], signal?: AbortSignal) => Promise<number[][]>;

export interface EmbeddingsOptions {
  /** OPENAI_BASE_URL (default https://api.openai.com/v1). */
  baseUrl: string | undefined;
  apiKey: string | undefined;
  /** EMBEDDINGS_MODEL. */
  model: string;
  batchSize?: number;
  timeoutMs?: number;
}

interface EmbeddingsResponse {
  data: { index: number; embedding: number[] }[];
}

/** Any OpenAI-compatible `POST /embeddings`, in batches; the texts go to that endpoint and nowhere else. */
export function createEmbedder(options: EmbeddingsOptions): Embed {
  const url = `${(options.baseUrl ?? "https://api.openai.com/v1").replace(/\/+$/, "")}/embeddings`;
  const batchSize = options.batchSize ?? 64;
  const timeoutMs = options.timeoutMs ?? 60_000;
  return async (texts, signal) => {
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += batchSize) {
      const batch = texts.slice(start, start + batchSize);
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}) },
          body: JSON.stringify({ model: options.model, input: batch }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        throw new BridgeError("upstream", `The embeddings endpoint could not be reached (${error instanceof Error ? error.message : String(error)}).`, { cause: error });
      }
      if (!response.ok) throw new BridgeError("upstream", `The embeddings endpoint answered HTTP ${response.status}.`);
      const body = (await response.json()) as EmbeddingsResponse;
      const sorted = [...body.data].sort((a, b) => a.index - b.index);
      if (sorted.length !== batch.length) throw new BridgeError("upstream", `The embeddings endpoint returned ${sorted.length} vectors for ${batch.length} texts.`);
      vectors.push(...sorted.map((item) => item.embedding));
    }
    return vectors;
  };
}
