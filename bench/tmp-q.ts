import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync("/tmp/conv-bench-1m/pincer.db", { readOnly: true });
const t = (label: string, sql: string, ...params: (string | number)[]) => {
  const s = db.prepare(sql);
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    const rows = s.all(...params);
    console.log(label, rows.length, (performance.now() - start).toFixed(1), "ms");
  }
};
t("fts rare", "SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT 5000", '"invoice-250001"');
t("fts rare digits", "SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT 5000", '"250001"');
t("fts common", "SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT 5000", '"timeout"');
t("fts invoice", "SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT 5000", '"invoice"');
t("names", "SELECT key FROM conversations WHERE (chat_id LIKE ? OR last_sender LIKE ? OR last_text LIKE ?) ORDER BY last_at DESC, key DESC LIMIT 51", "%invoice-250001%", "%invoice-250001%", "%invoice-250001%");
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT * FROM conversations WHERE (key IN (SELECT i.conversation_key FROM inbox i WHERE i.seq IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT 5000)) OR chat_id LIKE ?) ORDER BY last_at DESC, key DESC LIMIT 51").all('"x"', "x"));
