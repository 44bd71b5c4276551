import type { Config } from "../core/config.ts";
import type { KnowledgeStore } from "../core/store/knowledge-store.ts";
import { createKnowledge, type Knowledge } from "../agents/knowledge/index.ts";
import { createEmbedder } from "../agents/knowledge/embeddings.ts";

/** The knowledge base over the store: hybrid search through the configured /embeddings when EMBEDDINGS_MODEL is set. */
export function knowledgeFor(config: Config, store: KnowledgeStore): Knowledge {
  const embeddings = config.embeddings;
  return createKnowledge({
    store,
    fetchAllow: config.fetchAllow,
    ...(embeddings ? { embeddings: { model: embeddings.model, embed: createEmbedder(embeddings) } } : {}),
  });
}
