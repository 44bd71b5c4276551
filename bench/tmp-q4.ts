import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync("/tmp/conv-bench-1m/pincer.db");
const t = (label: string, sql: string, ...params: (string | number)[]) => {
  const s = db.prepare(sql);
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    const rows = s.all(...params);
    console.log(label, rows.length, (performance.now() - start).toFixed(1), "ms");
  }
};
const q = `SELECT * FROM conversations WHERE (key IN (SELECT i.conversation_key FROM inbox i WHERE i.seq IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT 5000))
  OR key IN (SELECT key FROM conversations WHERE chat_id LIKE ? ESCAPE '\\' OR last_sender LIKE ? ESCAPE '\\')) AND (last_at < ? OR (last_at = ? AND key < ?)) ORDER BY last_at DESC, key DESC LIMIT 51`;
const M = Number.MAX_SAFE_INTEGER;
for (const [term, like] of [['"invoice-250001"', "%invoice-250001%"], ['"timeout"', "%timeout%"], ['"数据库"', "%数据库%"], ['"backup"', "%backup%"], ['"chat-12"', "%chat-12%"]] as const) t(term, q, term, like, like, M, M, "");
console.log(db.prepare(`EXPLAIN QUERY PLAN ${q}`).all('"x"', "x", "x", M, M, "").map((r) => r.detail));
