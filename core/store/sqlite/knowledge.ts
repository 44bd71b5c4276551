import type { DatabaseSync } from "node:sqlite";
import { bigramScore, cjkBigrams, ftsMatch, likePattern } from "../fts-query.ts";
import { cosine, maxVectorScanChunks, type KnowledgeStore } from "../knowledge-store.ts";
import { toDocument, toPassage, type DocumentRow, type PassageRow } from "../stored-rows.ts";
import { inTransaction } from "./database.ts";

export { cosine } from "../knowledge-store.ts";

const vectorBytes = (vector: readonly number[]) => new Uint8Array(Float32Array.from(vector).buffer);
const bytesVector = (bytes: Uint8Array) => new Float32Array(new Uint8Array(bytes).buffer);

const inKbs = "c.kb IN (SELECT value FROM json_each(?))";

/** The knowledge base's statements, prepared once per connection. */
function prepareKnowledgeStatements(database: DatabaseSync) {
  return {
    findDocument: database.prepare("SELECT id FROM kb_documents WHERE kb = ? AND source = ?"),
    deleteChunks: database.prepare("DELETE FROM kb_chunks WHERE document_id = ?"),
    deleteDocument: database.prepare("DELETE FROM kb_documents WHERE id = ?"),
    documentsOf: database.prepare("SELECT id FROM kb_documents WHERE kb = ?"),
    insertDocument: database.prepare(
      "INSERT INTO kb_documents (kb, source, title, size_bytes, added_at, embedding_model) VALUES (?, ?, ?, ?, ?, ?)",
    ),
    insertChunk: database.prepare("INSERT INTO kb_chunks (document_id, kb, section, text, embedding) VALUES (?, ?, ?, ?, ?)"),
    allDocuments: database.prepare("SELECT kb, source, title, size_bytes, added_at, embedding_model FROM kb_documents ORDER BY kb, source"),
    kbDocuments: database.prepare("SELECT kb, source, title, size_bytes, added_at, embedding_model FROM kb_documents WHERE kb = ? ORDER BY source"),
    bases: database.prepare(
      `SELECT d.kb AS kb, count(DISTINCT d.id) AS documents, count(c.seq) AS chunks,
         coalesce(sum(length(CAST(c.text AS BLOB))), 0) AS text_bytes, count(c.embedding) AS embedded
       FROM kb_documents d LEFT JOIN kb_chunks c ON c.document_id = d.id GROUP BY d.kb ORDER BY d.kb`,
    ),
    search: database.prepare(
      `SELECT c.kb, d.source, d.title, c.section, c.text, -bm25(kb_chunks_fts, 2.0, 1.0) AS score
       FROM kb_chunks_fts f JOIN kb_chunks c ON c.seq = f.rowid JOIN kb_documents d ON d.id = c.document_id
       WHERE kb_chunks_fts MATCH ? AND ${inKbs} ORDER BY bm25(kb_chunks_fts, 2.0, 1.0) LIMIT ?`,
    ),
    // Chinese two-character words: a substring scan of the bases asked, ranked by the share of pieces each chunk holds.
    containing: database.prepare(
      `SELECT c.kb, d.source, d.title, c.section, c.text, 0 AS score FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
       WHERE ${inKbs} AND EXISTS (SELECT 1 FROM json_each(?) p WHERE c.text LIKE p.value ESCAPE '\\' OR c.section LIKE p.value ESCAPE '\\')
       LIMIT 2000`,
    ),
    countVectors: database.prepare(`SELECT count(*) AS n FROM kb_chunks c WHERE ${inKbs} AND c.embedding IS NOT NULL`),
    // The scan reads only ids and vectors; the texts of the best few are read afterwards.
    vectors: database.prepare(`SELECT c.seq, c.embedding FROM kb_chunks c WHERE ${inKbs} AND c.embedding IS NOT NULL`),
    passagesBySeq: database.prepare(
      `SELECT c.seq, c.kb, d.source, d.title, c.section, c.text FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id
       WHERE c.seq IN (SELECT value FROM json_each(?))`,
    ),
  };
}

export function createSqliteKnowledge(database: DatabaseSync): KnowledgeStore {
  const sql = prepareKnowledgeStatements(database);

  const removeById = (id: number) => {
    sql.deleteChunks.run(id);
    sql.deleteDocument.run(id);
  };

  return {
    async put(document, chunks) {
      inTransaction(database, () => {
        const existing = sql.findDocument.get(document.kb, document.source) as { id: number } | undefined;
        if (existing) removeById(existing.id);
        const { lastInsertRowid } = sql.insertDocument.run(
          document.kb, document.source, document.title, document.sizeBytes, document.addedAt, document.embeddingModel ?? null,
        );
        for (const chunk of chunks) {
          sql.insertChunk.run(lastInsertRowid, document.kb, chunk.section, chunk.text, chunk.embedding ? vectorBytes(chunk.embedding) : null);
        }
      });
    },
    async remove(kb, source) {
      return inTransaction(database, () => {
        const ids =
          source === undefined
            ? (sql.documentsOf.all(kb) as { id: number }[])
            : [sql.findDocument.get(kb, source) as { id: number } | undefined].filter((row) => row !== undefined);
        for (const { id } of ids) removeById(id);
        return ids.length;
      });
    },
    async documents(kb) {
      const rows = (kb === undefined ? sql.allDocuments.all() : sql.kbDocuments.all(kb)) as unknown as DocumentRow[];
      return rows.map(toDocument);
    },
    async bases() {
      const rows = sql.bases.all() as { kb: string; documents: number; chunks: number; text_bytes: number; embedded: number }[];
      return rows.map((row) => ({ kb: row.kb, documents: row.documents, chunks: row.chunks, textBytes: row.text_bytes, embeddedChunks: row.embedded }));
    },
    async search(kbs, query, limit) {
      if (kbs.length === 0) return [];
      const match = ftsMatch(query);
      const found = match ? (sql.search.all(match, JSON.stringify(kbs), limit) as unknown as PassageRow[]).map(toPassage) : [];
      const pieces = cjkBigrams(query);
      if (pieces.length === 0 || found.length >= limit) return found;
      const seen = new Set(found.map((passage) => `${passage.source}\u0000${passage.text}`));
      const more = (sql.containing.all(JSON.stringify(kbs), JSON.stringify(pieces.map(likePattern))) as unknown as PassageRow[])
        .filter((row) => !seen.has(`${row.source}\u0000${row.text}`))
        .map((row) => toPassage({ ...row, score: bigramScore(`${row.section} ${row.text}`, pieces) }))
        .sort((a, b) => b.score - a.score);
      return [...found, ...more].slice(0, limit);
    },
    async nearest(kbs, vector, limit) {
      if (kbs.length === 0) return [];
      const { n } = sql.countVectors.get(JSON.stringify(kbs)) as { n: number };
      if (n === 0 || n > maxVectorScanChunks) return [];
      const best = (sql.vectors.all(JSON.stringify(kbs)) as { seq: number; embedding: Uint8Array }[])
        .map((row) => ({ seq: row.seq, score: cosine(vector, bytesVector(row.embedding)) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, limit);
      const rows = new Map(
        (sql.passagesBySeq.all(JSON.stringify(best.map((entry) => entry.seq))) as unknown as (Omit<PassageRow, "score"> & { seq: number })[]).map((row) => [row.seq, row]),
      );
      return best.filter((entry) => rows.has(entry.seq)).map((entry) => toPassage({ ...rows.get(entry.seq)!, score: entry.score }));
    },
  };
}
