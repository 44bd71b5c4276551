/** One passage of a document, split on headings and paragraphs. */
export interface KnowledgeChunk {
  /** The heading path it sits under (`Setup › Keys`), empty before the first heading. */
  section: string;
  text: string;
  /** Its embedding when EMBEDDINGS_MODEL is set. */
  embedding?: readonly number[];
}

export interface KnowledgeDocument {
  /** The knowledge base's name (`default` unless given). */
  kb: string;
  /** Where it came from: a path or URL; unique within its knowledge base (adding it again replaces it). */
  source: string;
  title: string;
  sizeBytes: number;
  addedAt: number;
  /** The model of its chunks' embeddings, when they have them. */
  embeddingModel: string | undefined;
}

export interface KnowledgePassage {
  kb: string;
  source: string;
  title: string;
  section: string;
  text: string;
  /** Higher is better; comparable only within one result list. */
  score: number;
}

export interface KnowledgeBaseInfo {
  kb: string;
  documents: number;
  chunks: number;
  /** Text stored, in bytes. */
  textBytes: number;
  embeddedChunks: number;
}

/**
 * Brute-force cosine similarity scans every stored vector of the bases searched: fine up to this many chunks
 * (about 10,000 in the bench); past it, the vector half of hybrid search is skipped and full text alone answers.
 */
export const maxVectorScanChunks = 20_000;

/** Cosine similarity of two vectors (0 when either is all zeros); the vector scan of both implementations. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    dot += a[index]! * b[index]!;
    normA += a[index]! * a[index]!;
    normB += b[index]! * b[index]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** The private knowledge base: documents split in chunks, full-text search, and optional vectors. */
export interface KnowledgeStore {
  /** Adds or replaces (by kb + source) one document with its chunks, in one transaction. */
  put(document: KnowledgeDocument, chunks: readonly KnowledgeChunk[]): Promise<void>;
  /** Removes a document (by source), or with no source the whole base; returns documents removed. */
  remove(kb: string, source?: string): Promise<number>;
  documents(kb?: string): Promise<KnowledgeDocument[]>;
  bases(): Promise<KnowledgeBaseInfo[]>;
  /** Full-text search (BM25) within these bases, best first. */
  search(kbs: readonly string[], query: string, limit: number): Promise<KnowledgePassage[]>;
  /** Nearest chunks to a vector by cosine similarity within these bases (brute force, up to `maxVectorScanChunks`). */
  nearest(kbs: readonly string[], vector: readonly number[], limit: number): Promise<KnowledgePassage[]>;
}
