import type pg from "pg";
import { bigramScore, cjkBigrams } from "../fts-query.ts";
import type { MemoryStore } from "../memory-store.ts";
import { toMemory, type MemoryRow } from "../stored-rows.ts";
import { relevanceSql, textQuery } from "./text-search.ts";

const columns = "id, owner, text, author_ref, conversation_key, created_at";

const relevance = relevanceSql("words", "text", "$2", "$3");

/**
 * The owners' newest memories ($1 the owners, $2 how many): each owner's through `memories_by_owner`, then merged. As
 * `owner = ANY($1) ORDER BY seq DESC`, a prepared plan walked every user's memories backwards to find a few of one.
 */
export const newestMemoriesSql = `SELECT m.* FROM (SELECT DISTINCT unnest($1::text[]) AS owner) AS o
  CROSS JOIN LATERAL (SELECT ${columns}, seq FROM memories WHERE memories.owner = o.owner ORDER BY seq DESC LIMIT $2) AS m
  ORDER BY m.seq DESC LIMIT $2`;

/** Memories on PostgreSQL: relevance by a `simple` tsvector (ts_rank) and substring matches for Chinese, as on SQLite. */
export function createPostgresMemories(pool: pg.Pool): MemoryStore {
  const records = async (sql: string, values: unknown[]) => (await pool.query<MemoryRow>(sql, values)).rows.map(toMemory);
  return {
    async add(record) {
      await pool.query(
        "INSERT INTO memories (id, owner, text, author_ref, conversation_key, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        [record.id, record.owner, record.text, record.authorRef, record.conversationKey, record.createdAt],
      );
    },
    async list(owners) {
      return records(`SELECT ${columns} FROM memories WHERE owner = ANY($1::text[]) ORDER BY seq`, [owners]);
    },
    async search(owners, query, limit) {
      const { words, pieces } = textQuery(query);
      const found =
        words || pieces.length > 0
          ? await records(
              `SELECT ${columns} FROM memories WHERE owner = ANY($1::text[]) AND ${relevance.matches}
               ORDER BY ${relevance.score} DESC, seq DESC LIMIT $4`,
              [owners, words ?? null, pieces, limit],
            )
          : [];
      if (found.length >= limit) return found;
      const seen = new Set(found.map((record) => record.id));
      // The rest newest first; those holding a Chinese two-character word of the query before the others.
      const bigrams = cjkBigrams(query);
      const rest = (await records(newestMemoriesSql, [owners, limit]))
        .filter((record) => !seen.has(record.id))
        .map((record, order) => ({ record, order, score: bigramScore(record.text, bigrams) }))
        .sort((a, b) => b.score - a.score || a.order - b.order)
        .map((entry) => entry.record);
      return [...found, ...rest].slice(0, limit);
    },
    async remove(owners, ids) {
      return (await pool.query("DELETE FROM memories WHERE owner = ANY($1::text[]) AND id = ANY($2::text[])", [owners, ids])).rowCount ?? 0;
    },
    async about(userRef) {
      return records(`SELECT ${columns} FROM memories WHERE owner = $1 OR author_ref = $2 ORDER BY seq`, [`user:${userRef}`, userRef]);
    },
    async counts() {
      const { rows: [row] } = await pool.query<{ users: number; chats: number; memories: number }>(
        `SELECT count(DISTINCT owner) FILTER (WHERE owner LIKE 'user:%')::int AS users,
           count(DISTINCT owner) FILTER (WHERE owner LIKE 'chat:%')::int AS chats, count(*)::int AS memories FROM memories`,
      );
      return { users: row!.users, chats: row!.chats, memories: row!.memories };
    },
  };
}
