import { DatabaseSync } from "node:sqlite";
const db = new DatabaseSync("/tmp/conv-bench-1m/pincer.db");
const t = (label: string, sql: string, ...params: (string | number)[]) => {
  const s = db.prepare(sql);
  const times: string[] = [];
  let n = 0;
  for (let i = 0; i < 5; i += 1) {
    const start = performance.now();
    n = s.all(...params).length;
    times.push((performance.now() - start).toFixed(0));
  }
  console.log(label, n, times.join(" "));
};
for (const limit of [5000, 2000, 1000]) {
  t(`fts ${limit}`, `SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT ${limit}`, '"timeout"');
  t(`fts+inbox ${limit}`, `SELECT DISTINCT i.conversation_key FROM inbox i WHERE i.seq IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT ${limit})`, '"timeout"');
}
