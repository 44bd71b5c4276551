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
const like = "%invoice-250001%";
t("names2 before", "SELECT * FROM conversations WHERE (chat_id LIKE ? OR last_sender LIKE ?) ORDER BY last_at DESC, key DESC LIMIT 51", like, like);
db.exec("CREATE INDEX IF NOT EXISTS conversations_probe ON conversations (last_at DESC, key DESC, chat_id, last_sender)");
t("names2 after", "SELECT * FROM conversations WHERE (chat_id LIKE ? OR last_sender LIKE ?) ORDER BY last_at DESC, key DESC LIMIT 51", like, like);
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT * FROM conversations WHERE (chat_id LIKE ? OR last_sender LIKE ?) ORDER BY last_at DESC, key DESC LIMIT 51").all(like, like).map((r) => r.detail));
db.exec("DROP INDEX conversations_probe");
