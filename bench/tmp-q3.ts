import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync("/tmp/conv-bench-1m/pincer.db");
const t = (label: string, sql: string, ...params: (string | number)[]) => {
  const s = db.prepare(sql);
  for (let i = 0; i < 3; i += 1) {
    const start = performance.now();
    const rows = s.all(...params);
    console.log(label, JSON.stringify(rows[0] ?? null).slice(0, 60), rows.length, (performance.now() - start).toFixed(1), "ms");
  }
};
const like = "%invoice-250001%";
t("count all", "SELECT count(*) FROM conversations");
t("scan like", "SELECT count(*) FROM conversations WHERE chat_id LIKE ? OR last_sender LIKE ?", like, like);
t("scan instr", "SELECT count(*) FROM conversations WHERE instr(lower(chat_id), ?) > 0 OR instr(lower(last_sender), ?) > 0", "invoice-250001", "invoice-250001");
t("pages", "SELECT count(*) FROM dbstat WHERE name = 'conversations'");
