import { readdir, readFile, stat } from "node:fs/promises";
import { basename, isAbsolute, join, resolve } from "node:path";
import type { KnowledgeFile, KnowledgePort } from "../../core/knowledge.ts";
import { maxDocumentBytes } from "../../core/knowledge-command.ts";
import type { KnowledgeChunk, KnowledgePassage, KnowledgeStore } from "../../core/store/knowledge-store.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import { chunkText } from "./chunk.ts";
import type { Embed } from "./embeddings.ts";
import { documentKind, extractDocument } from "./extract.ts";
import { fetchDocument } from "./fetch-url.ts";

export interface KnowledgeOptions {
  store: KnowledgeStore;
  /** Set when EMBEDDINGS_MODEL is: chunks and questions are embedded, and search is hybrid. */
  embeddings?: { model: string; embed: Embed };
  /** PINCER_FETCH_ALLOW, for `kb add <url>`. */
  fetchAllow: readonly string[];
  maxBytes?: number;
  now?: () => number;
}

export interface AddResult {
  source: string;
  chunks?: number;
  refusal?: string;
}

export interface Knowledge extends KnowledgePort {
  /** A file, every supported file under a folder, or a URL; each file's refusal is reported, not thrown. */
  add(kb: string, target: string, signal?: AbortSignal): Promise<AddResult[]>;
  /** Reads every document of the base (or all bases) again from its source, and embeds it when embeddings are on. */
  reindex(kb?: string, signal?: AbortSignal): Promise<AddResult[]>;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
/** How deep each list goes before fusing: the search returns the best `limit` of both. */
const fusionDepth = 20;

/** Reciprocal rank fusion of the full-text and the vector results (k = 60). */
function fuse(lists: readonly KnowledgePassage[][], limit: number): KnowledgePassage[] {
  const scores = new Map<string, { passage: KnowledgePassage; score: number }>();
  for (const list of lists) {
    list.forEach((passage, rank) => {
      const key = `${passage.kb}\u0000${passage.source}\u0000${passage.text}`;
      const entry = scores.get(key) ?? { passage, score: 0 };
      entry.score += 1 / (60 + rank + 1);
      scores.set(key, entry);
    });
  }
  return [...scores.values()].sort((a, b) => b.score - a.score).slice(0, limit).map(({ passage, score }) => ({ ...passage, score }));
}

const isUrl = (target: string) => /^https?:\/\//i.test(target);

async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch((error: unknown) => {
    throw new BridgeError("bad-input", `${path}: no such file or folder.`, { cause: error });
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith(".") && documentKind(entry.name, undefined) !== undefined)
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The knowledge base: ingestion (files, folders, URLs, uploads) and retrieval (full text, hybrid with embeddings). */
export function createKnowledge(options: KnowledgeOptions): Knowledge {
  const { store } = options;
  const maxBytes = options.maxBytes ?? maxDocumentBytes;
  const now = options.now ?? Date.now;

  async function ingest(kb: string, source: string, file: KnowledgeFile, signal?: AbortSignal): Promise<{ chunks: number }> {
    if (file.bytes.length > maxBytes) {
      throw new BridgeError("unsupported", `${file.fileName} is too large (${megabytes(file.bytes.length)}; the limit is ${megabytes(maxBytes)}).`);
    }
    const document = await extractDocument(file);
    const chunks: KnowledgeChunk[] = chunkText(document.text);
    if (chunks.length === 0) throw new BridgeError("bad-input", `${file.fileName} has no text to search.`);
    const vectors = options.embeddings ? await options.embeddings.embed(chunks.map((chunk) => `${chunk.section}\n${chunk.text}`), signal) : undefined;
    await store.put(
      { kb, source, title: document.title, sizeBytes: file.bytes.length, addedAt: now(), embeddingModel: options.embeddings?.model },
      chunks.map((chunk, index) => (vectors ? { ...chunk, embedding: vectors[index]! } : chunk)),
    );
    return { chunks: chunks.length };
  }

  async function addPath(kb: string, path: string, signal?: AbortSignal): Promise<AddResult> {
    try {
      const size = (await stat(path)).size;
      if (size > maxBytes) return { source: path, refusal: `too large (${megabytes(size)}; the limit is ${megabytes(maxBytes)})` };
      const bytes = await readFile(path);
      return { source: path, ...(await ingest(kb, path, { bytes, fileName: basename(path), mimeType: undefined }, signal)) };
    } catch (error) {
      return { source: path, refusal: toBridgeError(error).message };
    }
  }

  async function addUrl(kb: string, url: string, signal?: AbortSignal): Promise<AddResult> {
    try {
      const file = await fetchDocument(url, { allow: options.fetchAllow, maxBytes }, signal);
      return { source: url, ...(await ingest(kb, url, file, signal)) };
    } catch (error) {
      return { source: url, refusal: toBridgeError(error).message };
    }
  }

  return {
    async search(kbs, query, limit, signal) {
      const fullText = await store.search(kbs, query, options.embeddings ? fusionDepth : limit);
      if (!options.embeddings) return fullText;
      const [vector] = await options.embeddings.embed([query], signal);
      const nearest = await store.nearest(kbs, vector!, fusionDepth);
      return fuse([fullText, nearest], limit);
    },
    addFile: (kb, source, file, signal) => ingest(kb, source, file, signal),
    async add(kb, target, signal) {
      if (isUrl(target)) return [await addUrl(kb, target, signal)];
      const results: AddResult[] = [];
      for (const path of await filesUnder(resolve(target))) results.push(await addPath(kb, path, signal));
      return results;
    },
    async reindex(kb, signal) {
      const results: AddResult[] = [];
      for (const document of await store.documents(kb)) {
        if (isUrl(document.source)) results.push(await addUrl(document.kb, document.source, signal));
        else if (isAbsolute(document.source)) results.push(await addPath(document.kb, document.source, signal));
        else results.push({ source: document.source, refusal: "kept as it is: an upload has no source to read again" });
      }
      return results;
    },
  };
}
