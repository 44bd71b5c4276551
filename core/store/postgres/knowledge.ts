import type pg from "pg";
import { bigramScore, cjkBigrams, likePattern } from "../fts-query.ts";
import { cosine, maxVectorScanChunks, type KnowledgePassage, type KnowledgeStore } from "../knowledge-store.ts";
import { toDocument, toPassage, type DocumentRow, type PassageRow } from "../stored-rows.ts";
import { inTransaction } from "./database.ts";
import { relevanceSql, textQuery } from "./text-search.ts";

const documentColumns = "kb, source, title, size_bytes, added_at, embedding_model";
const passageColumns = "c.kb, d.source, d.title, c.section, c.text";
const fromChunks = "FROM kb_chunks c JOIN kb_documents d ON d.id = c.document_id";
// The section weighs more than the text, as on SQLite (bm25 weights 2, 1): it is in the tsvector with weight A.
const relevance = relevanceSql("c.words", "(c.section || ' ' || c.text)", "$2", "$3");

const passages = async (pool: pg.Pool, sql: string, values: unknown[]) => (await pool.query<PassageRow>(sql, values)).rows;

/** Full-text relevance within the bases asked, then chunks holding the query's Chinese two-character words. */
async function search(pool: pg.Pool, kbs: readonly string[], query: string, limit: number): Promise<KnowledgePassage[]> {
  if (kbs.length === 0) return [];
  const { words, pieces } = textQuery(query);
  const found = words || pieces.length > 0
    ? (await passages(
        pool,
        `SELECT ${passageColumns}, ${relevance.score}::float8 AS score ${fromChunks}
         WHERE c.kb = ANY($1::text[]) AND ${relevance.matches} ORDER BY score DESC, c.seq LIMIT $4`,
        [kbs, words ?? null, pieces, limit],
      )).map(toPassage)
    : [];
  const bigrams = cjkBigrams(query);
  if (bigrams.length === 0 || found.length >= limit) return found;
  // Chinese two-character words: a substring scan of the bases asked, ranked by the share of pieces each chunk holds.
  const seen = new Set(found.map((passage) => `${passage.source}\u0000${passage.text}`));
  const more = (await passages(
    pool,
    `SELECT ${passageColumns}, 0 AS score ${fromChunks}
     WHERE c.kb = ANY($1::text[]) AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS piece WHERE c.text LIKE piece ESCAPE '\\' OR c.section LIKE piece ESCAPE '\\')
     LIMIT 2000`,
    [kbs, bigrams.map(likePattern)],
  ))
    .filter((row) => !seen.has(`${row.source}\u0000${row.text}`))
    .map((row) => toPassage({ ...row, score: bigramScore(`${row.section} ${row.text}`, bigrams) }))
    .sort((a, b) => b.score - a.score);
  return [...found, ...more].slice(0, limit);
}

/** The nearest chunks by cosine similarity: a scan of the bases' vectors in the process, as on SQLite. */
async function nearest(pool: pg.Pool, kbs: readonly string[], vector: readonly number[], limit: number): Promise<KnowledgePassage[]> {
  if (kbs.length === 0) return [];
  const { rows: [counted] } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM kb_chunks WHERE kb = ANY($1::text[]) AND embedding IS NOT NULL",
    [kbs],
  );
  if (!counted || counted.n === 0 || counted.n > maxVectorScanChunks) return [];
  // The scan reads only ids and vectors; the texts of the best few are read afterwards.
  const { rows } = await pool.query<{ seq: number; embedding: number[] }>(
    "SELECT seq, embedding FROM kb_chunks WHERE kb = ANY($1::text[]) AND embedding IS NOT NULL",
    [kbs],
  );
  const best = rows.map((row) => ({ seq: row.seq, score: cosine(vector, row.embedding) })).sort((a, b) => b.score - a.score).slice(0, limit);
  const texts = new Map(
    (await pool.query<Omit<PassageRow, "score"> & { seq: number }>(`SELECT c.seq, ${passageColumns} ${fromChunks} WHERE c.seq = ANY($1::bigint[])`, [best.map((entry) => entry.seq)]))
      .rows.map((row) => [row.seq, row]),
  );
  return best.filter((entry) => texts.has(entry.seq)).map((entry) => toPassage({ ...texts.get(entry.seq)!, score: entry.score }));
}

/**
 * The knowledge base on PostgreSQL: full-text relevance by a `simple` tsvector (ts_rank, section over text) with
 * substring matches for Chinese, and vectors as float4[] scanned by cosine similarity in the process, as on SQLite.
 */
export function createPostgresKnowledge(pool: pg.Pool): KnowledgeStore {
  return {
    async put(document, chunks) {
      await inTransaction(pool, async (client) => {
        await client.query("DELETE FROM kb_documents WHERE kb = $1 AND source = $2", [document.kb, document.source]);
        const { rows: [inserted] } = await client.query<{ id: number }>(
          `INSERT INTO kb_documents (${documentColumns}) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [document.kb, document.source, document.title, document.sizeBytes, document.addedAt, document.embeddingModel ?? null],
        );
        if (chunks.length === 0) return;
        // One statement for all chunks: their order is kept by the ordinality.
        await client.query(
          `INSERT INTO kb_chunks (document_id, kb, section, text, embedding)
           SELECT $1, $2, chunk.value ->> 'section', chunk.value ->> 'text', CASE WHEN jsonb_typeof(chunk.value -> 'embedding') = 'array'
             THEN ARRAY(SELECT jsonb_array_elements_text(chunk.value -> 'embedding')::float4) END
           FROM jsonb_array_elements($3::jsonb) WITH ORDINALITY AS chunk (value, n) ORDER BY chunk.n`,
          [inserted!.id, document.kb, JSON.stringify(chunks.map((chunk) => ({ section: chunk.section, text: chunk.text, embedding: chunk.embedding ?? null })))],
        );
      });
    },
    async remove(kb, source) {
      const result = await pool.query("DELETE FROM kb_documents WHERE kb = $1 AND ($2::text IS NULL OR source = $2)", [kb, source ?? null]);
      return result.rowCount ?? 0;
    },
    async documents(kb) {
      const { rows } = await pool.query<DocumentRow>(
        `SELECT ${documentColumns} FROM kb_documents WHERE $1::text IS NULL OR kb = $1 ORDER BY kb, source`,
        [kb ?? null],
      );
      return rows.map(toDocument);
    },
    async bases() {
      const { rows } = await pool.query<{ kb: string; documents: number; chunks: number; text_bytes: number; embedded: number }>(
        `SELECT d.kb, count(DISTINCT d.id)::int AS documents, count(c.seq)::int AS chunks,
           coalesce(sum(octet_length(c.text)), 0)::bigint AS text_bytes, count(c.embedding)::int AS embedded
         FROM kb_documents d LEFT JOIN kb_chunks c ON c.document_id = d.id GROUP BY d.kb ORDER BY d.kb`,
      );
      return rows.map((row) => ({ kb: row.kb, documents: row.documents, chunks: row.chunks, textBytes: row.text_bytes, embeddedChunks: row.embedded }));
    },
    search: (kbs, query, limit) => search(pool, kbs, query, limit),
    nearest: (kbs, vector, limit) => nearest(pool, kbs, vector, limit),
  };
}
