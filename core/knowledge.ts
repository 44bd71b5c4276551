import { translate, type Locale } from "./i18n/catalogue.ts";
import type { KnowledgePassage, KnowledgeStore } from "./store/knowledge-store.ts";
import { localizedError } from "./types/errors.ts";

/** An uploaded or fetched file to add to a knowledge base. */
export interface KnowledgeFile {
  bytes: Uint8Array;
  fileName: string;
  mimeType: string | undefined;
}

/**
 * Retrieval and ingestion, implemented outside core (parsers, the embeddings endpoint): hybrid search when
 * embeddings are configured, full text otherwise.
 */
export interface KnowledgePort {
  /** The best passages for a question within these bases, best first. */
  search(kbs: readonly string[], query: string, limit: number, signal?: AbortSignal): Promise<KnowledgePassage[]>;
  /** Adds a file to a base; a refusal (too large, unreadable, unsupported) is a BridgeError with a clear message. */
  addFile(kb: string, source: string, file: KnowledgeFile, signal?: AbortSignal): Promise<{ chunks: number }>;
}

/** Without a port: full-text search in the store, and no ingestion from chats. */
export function fullTextKnowledge(store: KnowledgeStore): KnowledgePort {
  return {
    search: (kbs, query, limit) => store.search(kbs, query, limit),
    async addFile() {
      throw localizedError("unsupported", "knowledge.addOff");
    },
  };
}

/** Where a passage comes from, as the answer cites it: document, then section (without the title heading again). */
export function citation(passage: Pick<KnowledgePassage, "title" | "section" | "source">): string {
  const section = passage.section === passage.title ? "" : passage.section.startsWith(`${passage.title} › `) ? passage.section.slice(passage.title.length + 3) : passage.section;
  return `${passage.title}${section ? ` › ${section}` : ""} (${passage.source})`;
}

const excerpt = (text: string, maxChars: number) => (text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`);

/** Passages as text for a person or a model: each with its source, numbered. */
export function formatPassages(passages: readonly KnowledgePassage[], maxChars = 600): string {
  return passages.map((passage, index) => `[${index + 1}] ${citation(passage)}\n${excerpt(passage.text, maxChars)}`).join("\n\n");
}

/** `/kb <question>`: the best passages with their sources; no model needed. */
export async function answerFromKnowledge(port: KnowledgePort, kbs: readonly string[], question: string, signal?: AbortSignal, locale: Locale = "en"): Promise<string> {
  if (kbs.length === 0) return translate(locale, "knowledge.noBase");
  const passages = await port.search(kbs, question, 3, signal);
  if (passages.length === 0) return translate(locale, "knowledge.nothingFound", { kbs: kbs.join(", "), question: excerpt(question, 80) });
  return formatPassages(passages, 500);
}
