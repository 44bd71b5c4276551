import type { DatabaseSync } from "node:sqlite";
import { bigramScore, cjkBigrams, ftsMatch } from "../fts-query.ts";
import type { MemoryOwner, MemoryStore } from "../memory-store.ts";
import { toMemory, type MemoryRow } from "../stored-rows.ts";

const columns = "m.id, m.owner, m.text, m.author_ref, m.conversation_key, m.created_at";

/** The owners as a JSON array bound to one parameter: a statement prepared once serves any number of owners. */
const ownersParam = (owners: readonly MemoryOwner[]) => JSON.stringify(owners);
const inOwners = "m.owner IN (SELECT value FROM json_each(?))";

export function createSqliteMemories(database: DatabaseSync): MemoryStore {
  const insert = database.prepare(
    "INSERT INTO memories (id, owner, text, author_ref, conversation_key, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const list = database.prepare(`SELECT ${columns} FROM memories m WHERE ${inOwners} ORDER BY m.seq`);
  const matching = database.prepare(
    `SELECT ${columns} FROM memories_fts f JOIN memories m ON m.seq = f.rowid
     WHERE memories_fts MATCH ? AND ${inOwners} ORDER BY bm25(memories_fts), m.seq DESC LIMIT ?`,
  );
  const newest = database.prepare(`SELECT ${columns} FROM memories m WHERE ${inOwners} ORDER BY m.seq DESC LIMIT ?`);
  const remove = database.prepare(`DELETE FROM memories AS m WHERE ${inOwners} AND m.id IN (SELECT value FROM json_each(?))`);
  const about = database.prepare(`SELECT ${columns} FROM memories m WHERE m.owner = ? OR m.author_ref = ? ORDER BY m.seq`);
  const counts = database.prepare(
    "SELECT count(DISTINCT CASE WHEN owner LIKE 'user:%' THEN owner END) AS users, count(DISTINCT CASE WHEN owner LIKE 'chat:%' THEN owner END) AS chats, count(*) AS memories FROM memories",
  );

  return {
    async add(record) {
      insert.run(record.id, record.owner, record.text, record.authorRef, record.conversationKey, record.createdAt);
    },
    async list(owners) {
      return (list.all(ownersParam(owners)) as unknown as MemoryRow[]).map(toMemory);
    },
    async search(owners, query, limit) {
      const match = ftsMatch(query);
      const found = match ? (matching.all(match, ownersParam(owners), limit) as unknown as MemoryRow[]).map(toMemory) : [];
      if (found.length >= limit) return found;
      const seen = new Set(found.map((record) => record.id));
      // The rest newest first; those holding a Chinese two-character word of the query before the others.
      const pieces = cjkBigrams(query);
      const rest = (newest.all(ownersParam(owners), limit) as unknown as MemoryRow[])
        .map(toMemory)
        .filter((record) => !seen.has(record.id))
        .map((record, order) => ({ record, order, score: bigramScore(record.text, pieces) }))
        .sort((a, b) => b.score - a.score || a.order - b.order)
        .map((entry) => entry.record);
      return [...found, ...rest].slice(0, limit);
    },
    async remove(owners, ids) {
      return Number(remove.run(ownersParam(owners), JSON.stringify(ids)).changes);
    },
    async about(userRef) {
      return (about.all(`user:${userRef}`, userRef) as unknown as MemoryRow[]).map(toMemory);
    },
    async counts() {
      const row = counts.get() as { users: number; chats: number; memories: number };
      return { users: row.users, chats: row.chats, memories: row.memories };
    },
  };
}
