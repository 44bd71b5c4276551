/**
 * The console on a large store (`npm run bench:console`): 1,000,000 messages over 20,000 conversations in a SQLite
 * store spread over the last 35 days, a run for every tenth message (tool calls, a model call by one of four models,
 * reply parts, the message's trace, some approvals, the newest still pending), 1,000 jobs and 500 paired or pending
 * people, then the real gateway on that store and every console page and its JSON API timed over HTTP with the admin
 * token: Overview, Conversations (list, search, one conversation), a message's trace, Approvals, Jobs, Usage, Audit,
 * Pairing and access, Setup; the CSV exports are timed apart (downloads, not pages).
 * `--messages N` makes a smaller store; `--data-dir D` keeps the filled store in D and uses it again next time (filling
 * 1,000,000 messages takes minutes); `--markdown` prints the tables for docs/benchmarks.md.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { createSqliteStore } from "../core/store/sqlite/index.ts";
import { startBenchGateway } from "./bench-gateway.ts";
import { percentile } from "./stats.ts";

const words = (
  "deploy build server restart log error timeout disk memory cpu report invoice customer order refund ticket login password " +
  "backup database query index cache network proxy certificate weekly summary meeting notes translate draft email schedule"
).split(" ");
const models = ["gpt-4o-mini", "gpt-4o", "claude-sonnet-4", "deepseek-chat"];
const chinese = ["请帮我查看服务器日志", "明天的会议改到下午三点", "数据库备份失败了", "把这份报告翻译成英文", "客户的订单还没有发货"];

interface Fill {
  messages: number;
  conversations: number;
  busyKey: string;
  fillSeconds: number;
  databaseBytes: number;
}

/** A deterministic generator, so that every run fills the same store. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function textOf(index: number, next: () => number): string {
  if (index % 97 === 0) return chinese[index % chinese.length]!;
  if (index % 250_000 === 1) return `please find invoice-${index} for the customer`;
  const length = 4 + Math.floor(next() * 16);
  return Array.from({ length }, () => words[Math.floor(next() * words.length)]!).join(" ");
}

type Statement = { run: (...values: (string | number | null)[]) => unknown };

/** 1,000 jobs over the conversations (most active, some paused or finished) and the pairing page's people. */
function fillJobsAndPairing(sql: { job: Statement; pairing: Statement }, now: number, conversationCount: number) {
  const states = ["active", "active", "active", "paused", "finished", "cancelled"] as const;
  for (let index = 0; index < 1_000; index += 1) {
    const conversationIndex = (index * 7919) % conversationCount;
    const conversation = { platform: "telegram", chatId: `chat-${conversationIndex}`, kind: conversationIndex % 3 === 0 ? "group" : "direct" };
    const state = states[index % states.length]!;
    const schedule = index % 3 === 0 ? { type: "cron", expr: "0 9 * * 1-5" } : index % 3 === 1 ? { type: "every", intervalMs: 3_600_000 } : { type: "once", at: now + index * 60_000 };
    const createdAt = now - (index + 1) * 3_600_000;
    const lastRun = index % 4 === 0 ? null : JSON.stringify({ dueAt: now - 3_600_000, endedAt: now - 3_590_000, outcome: index % 11 === 0 ? "failed" : "delivered", detail: index % 11 === 0 ? "the model answered 429" : null });
    sql.job.run(
      `j${index.toString(36)}`, JSON.stringify(conversation), `telegram:${conversation.chatId}`, `telegram:u${conversationIndex}`, `User ${conversationIndex}`,
      `summarise the open tickets and the failed backups (${index})`, JSON.stringify(schedule), state, state === "active" ? now + (index % 60) * 60_000 : null,
      createdAt, lastRun, lastRun ? 1 + (index % 40) : 0, createdAt,
    );
  }
  for (let index = 0; index < 500; index += 1) {
    const isPending = index < 20;
    sql.pairing.run(`p${index}`, `Person ${index}`, `${100000 + index}`, now - index * 60_000, now + 3_600_000, now - index * 60_000, isPending ? null : now - index * 60_000);
  }
}

/** Writes the store through SQL (the inbox's triggers keep the conversations and the search index as the gateway would). */
function fillStore(dataDir: string, messageCount: number, conversationCount: number): Fill {
  createSqliteStore(dataDir).close();
  const startedAt = performance.now();
  const database = new DatabaseSync(join(dataDir, "pincer.db"));
  database.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF");
  const sql = {
    inbox: database.prepare("INSERT INTO inbox (key, conversation_key, message, status, received_at, turn) VALUES (?, ?, ?, 'done', ?, ?)"),
    run: database.prepare("INSERT INTO runs (ref, conversation_key, session_id, sender_id, agent_id, inbox_keys, started_at, ended_at, outcome, detail) VALUES (?, ?, 's', ?, 'llm', ?, ?, ?, ?, ?)"),
    event: database.prepare("INSERT INTO run_events (run_ref, at, kind, detail) VALUES (?, ?, ?, ?)"),
    usage: database.prepare(
      "INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd, run_ref) VALUES (?, ?, ?, ?, 900, 60, 0, 0.00017, ?)",
    ),
    outbox: database.prepare("INSERT INTO outbox (key, conversation, part, status, message_id, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, 'sent', ?, 1, ?, ?)"),
    approval: database.prepare(
      "INSERT INTO approvals (id, conversation, requester_ref, tool, summary, status, created_at, expires_at, decided_by, decided_at, run_ref) VALUES (?, ?, ?, 'shell', ?, ?, ?, ?, ?, ?, ?)",
    ),
    trace: database.prepare("INSERT INTO trace_spans (trace_key, started_at, spans) VALUES (?, ?, ?)"),
    job: database.prepare(
      `INSERT INTO jobs (id, conversation, conversation_key, creator_ref, creator_name, prompt, schedule, timezone, state, next_run_at, is_background, created_at, last_run, run_count, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'UTC', ?, ?, 0, ?, ?, ?, ?)`,
    ),
    pairing: database.prepare(
      "INSERT INTO pairing (platform, chat_id, user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at) VALUES ('telegram', '', ?, ?, ?, ?, ?, ?, ?)",
    ),
  };
  const now = Date.now();
  const next = random(42);
  // The messages span the last 35 days (the usage chart's 30 and more), the newest a minute ago.
  const stepMs = Math.floor((35 * 86_400_000) / messageCount);
  const t0 = now - 60_000 - messageCount * stepMs;
  // One conversation in a hundred is busy (half the messages), the rest share the other half.
  const busyCount = Math.max(1, Math.floor(conversationCount / 100));
  database.exec("BEGIN");
  for (let index = 0; index < messageCount; index += 1) {
    const conversationIndex = next() < 0.5 ? Math.floor(next() * busyCount) : busyCount + Math.floor(next() * (conversationCount - busyCount));
    const conversation = { platform: "telegram", chatId: `chat-${conversationIndex}`, kind: conversationIndex % 3 === 0 ? "group" : "direct" };
    const conversationKey = `telegram:${conversation.chatId}`;
    const key = `telegram:m${index}`;
    const at = t0 + index * stepMs;
    const message = {
      id: `m${index}`, conversation, sender: { id: `u${conversationIndex}`, displayName: `User ${conversationIndex}`, isBot: false },
      sentAt: at, segments: [{ type: "text", text: textOf(index, next) }], attachments: [],
    };
    sql.inbox.run(key, conversationKey, JSON.stringify(message), at, key);
    if (index % 10 === 0) {
      // A group has several people in it; the model varies by run; one run in 37 failed.
      const sender = conversation.kind === "group" ? `u${conversationIndex}-${Math.floor(next() * 5)}` : `u${conversationIndex}`;
      const model = models[(index / 10) % models.length]!;
      const ref = `run-${index}`;
      const isFailed = (index / 10) % 37 === 36;
      sql.run.run(ref, conversationKey, sender, JSON.stringify([key]), at + 5, at + 900, isFailed ? "error" : "ok", isFailed ? "the model answered 429" : null);
      sql.event.run(ref, at + 10, "tool-call", JSON.stringify({ tool: "shell", summary: `$ grep -r error /var/log/app-${index}.log`, risk: "dangerous" }));
      sql.event.run(ref, at + 20, "tool-decision", JSON.stringify({ tool: "shell", isApproved: true, decidedBy: "telegram:admin" }));
      sql.event.run(ref, at + 30, "tool-result", JSON.stringify({ tool: "shell", chars: 4000, preview: "error: timeout ".repeat(13) }));
      sql.usage.run(at + 40, `telegram:${sender}`, conversationKey, model, ref);
      for (let part = 0; part < 2; part += 1) {
        sql.outbox.run(`${key}:${part}`, JSON.stringify(conversation), JSON.stringify({ type: "markdown", text: `answer ${index} part ${part}` }), `sent-${index}-${part}`, at + 50, at + 50);
      }
      if (index % 100 === 0) {
        // The newest twenty are still waiting for a decision.
        const isPending = index >= messageCount - 2_000;
        sql.approval.run(
          `a${index.toString(36)}`, JSON.stringify(conversation), `telegram:${sender}`, "grep -r error", isPending ? "pending" : "approved",
          at + 15, isPending ? now + 600_000 : at + 600_000, isPending ? null : "telegram:admin", isPending ? null : at + 19, ref,
        );
      }
      // The message's trace as core/trace.ts writes it (core/store/trace-rows.ts): the steps up to the queue in one
      // batch, the turn's in the next.
      const span = (name: string, from: number, to: number, attributes: Record<string, string | number | boolean>) => ({ name, startedAt: at + from, endedAt: at + to, status: "ok", attributes });
      const early = [
        span("store", 1, 2, { isDuplicate: false }),
        span("policy", 2, 3, { decision: "admit", role: "user" }),
        span("parse", 3, 3, { command: "prompt" }),
        span("queue", 3, 5, {}),
      ];
      const late = [
        span("route", 5, 6, { agent: "llm", model, tools: "shell" }),
        span("session", 6, 7, { session: "s", history: 12 }),
        span("model", 7, 9, { model, inputTokens: 900, outputTokens: 60, cachedTokens: 0 }),
        span("approval", 10, 20, { tool: "shell", risk: "dangerous", summary: "grep -r error", isApproved: true, decidedBy: "telegram:admin" }),
        span("tool", 20, 30, { tool: "shell", summary: `$ grep -r error /var/log/app-${index}.log` }),
        span("model", 30, 40, { model, inputTokens: 1800, outputTokens: 120, cachedTokens: 800 }),
        span("agent", 6, 45, { agent: "llm", model, isStopped: false, answerChars: 640 }),
        span("send", 45, 50, { part: "0", type: "markdown", outcome: "sent", attempt: 1 }),
        span("send", 50, 55, { part: "1", type: "markdown", outcome: "sent", attempt: 1 }),
        span("turn", 5, 900, { run: ref, outcome: isFailed ? "error" : "ok", messages: 1, turnKey: key }),
        { ...span("message", 0, 900, { channel: "telegram", platform: "telegram", chat: conversation.kind, chatId: conversation.chatId, senderId: sender, sender: `User ${sender}`, sentAt: at, attachments: 0, outcome: "answered" }), status: isFailed ? "error" : "ok" },
      ];
      sql.trace.run(key, at + 1, JSON.stringify(early));
      sql.trace.run(key, at + 5, JSON.stringify(late));
    }
    if (index % 50_000 === 49_999) database.exec("COMMIT; BEGIN");
  }
  database.exec("COMMIT");
  fillJobsAndPairing(sql, now, conversationCount);
  database.exec("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE");
  const busy = database.prepare("SELECT key FROM conversations ORDER BY message_count DESC LIMIT 1").get() as { key: string };
  database.close();
  return {
    messages: messageCount, conversations: conversationCount, busyKey: busy.key,
    fillSeconds: (performance.now() - startedAt) / 1000, databaseBytes: statSync(join(dataDir, "pincer.db")).size,
  };
}

interface Timing {
  page: string;
  name: string;
  path: string;
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
  detail: string;
}

async function time(page: string, name: string, url: string, token: string, rounds: number, detail: (body: string) => string): Promise<Timing> {
  const samples: number[] = [];
  let body = "";
  for (let round = 0; round < rounds + 1; round += 1) {
    const startedAt = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    body = await response.text();
    if (response.status !== 200) throw new Error(`${url}: HTTP ${response.status} ${body.slice(0, 200)}`);
    samples.push(performance.now() - startedAt);
  }
  const [firstMs, ...warm] = samples;
  const sorted = [...warm].sort((a, b) => a - b);
  return {
    page, name, path: new URL(url).pathname + new URL(url).search, firstMs: firstMs!, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95),
    maxMs: sorted.at(-1)!, bytes: Buffer.byteLength(body), detail: detail(body),
  };
}

/** A JSON answer described by its first list ("50 entries"), or its keys when it has none. */
function describeJson(body: string): string {
  const value = JSON.parse(body) as Record<string, unknown>;
  const list = Object.entries(value).find(([, field]) => Array.isArray(field));
  if (list) return `${(list[1] as unknown[]).length} ${list[0]}`;
  return Object.keys(value).slice(0, 4).join(", ");
}
const describeCsv = (body: string) => `${(body.match(/\n/g)?.length ?? 1) - 1} rows`;
const describePage = () => "HTML";

/** A store filled by an earlier run in `dataDir` (`--data-dir`), when it has the same number of messages and has jobs. */
function filledBefore(dataDir: string, messageCount: number, conversationCount: number): Fill | undefined {
  if (!existsSync(join(dataDir, "pincer.db"))) return undefined;
  const database = new DatabaseSync(join(dataDir, "pincer.db"), { readOnly: true });
  try {
    const found = database.prepare("SELECT count(*) AS n FROM inbox").get() as { n: number };
    if (found.n !== messageCount) return undefined;
    // A store filled before the fill had jobs (and traces) is filled again.
    const jobs = database.prepare("SELECT count(*) AS n FROM jobs").get() as { n: number };
    if (jobs.n === 0) return undefined;
    const busy = database.prepare("SELECT key FROM conversations ORDER BY message_count DESC LIMIT 1").get() as { key: string };
    return { messages: messageCount, conversations: conversationCount, busyKey: busy.key, fillSeconds: Number.NaN, databaseBytes: statSync(join(dataDir, "pincer.db")).size };
  } finally {
    database.close();
  }
}

export async function measureConsole(options: { messages?: number; rounds?: number; dataDir?: string } = {}) {
  const messageCount = options.messages ?? 1_000_000;
  const conversationCount = Math.max(10, Math.floor(messageCount / 50));
  const rounds = options.rounds ?? 20;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "pincer-bench-console-"));
  try {
    let fill = options.dataDir ? filledBefore(dataDir, messageCount, conversationCount) : undefined;
    if (!fill) {
      process.stderr.write(`filling a store with ${messageCount.toLocaleString("en-US")} messages…\n`);
      mkdirSync(dataDir, { recursive: true });
      rmSync(join(dataDir, "pincer.db"), { force: true });
      fill = fillStore(dataDir, messageCount, conversationCount);
    }
    const { gateway } = await startBenchGateway(dataDir);
    try {
      const base = gateway.url.replace(/\/$/, "");
      const token = gateway.adminToken;
      const count = (body: string) => `${(JSON.parse(body) as { conversations: unknown[] }).conversations.length} conversations`;
      const messages = (body: string) => `${(JSON.parse(body) as { messages: unknown[] }).messages.length} messages`;
      const page = describePage;
      const get = async <T,>(path: string) => (await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).json()) as T;
      const first = await get<{ nextCursor: string }>("/api/admin/conversations?limit=50");
      const one = await get<{ nextBefore: string }>(`/api/admin/conversations/${encodeURIComponent(fill.busyKey)}?limit=50`);
      const auditFirst = await get<{ nextCursor: string }>("/api/admin/audit");
      const busy = encodeURIComponent(fill.busyKey);
      // The quietest conversation (a direct chat of one person) and a message in the middle of the store with a run.
      const quietIndex = fill.conversations - 1;
      const quietChat = encodeURIComponent(`telegram:chat-${quietIndex}`);
      const tracedId = `m${Math.floor(fill.messages / 20) * 10}`;
      const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
      const dayAgo = Date.now() - 86_400_000;
      const row = (section: string, name: string, path: string, detail: (body: string) => string, times = rounds) => time(section, name, `${base}${path}`, token, times, detail);
      const timings: Timing[] = [];
      const loadBefore = loadavg();
      const rows: [string, string, string, (body: string) => string][] = [
        ["Overview", "Overview (HTML)", "/admin", page],
        ["Overview", "Overview, last 3 hours (JSON)", "/api/admin/overview?hours=3", describeJson],
        ["Overview", "Overview, last 24 hours (JSON)", "/api/admin/overview?hours=24", describeJson],
        ["Conversations", "List, first page (JSON)", "/api/admin/conversations?limit=50", count],
        ["Conversations", "List, first page (HTML)", "/admin/conversations", page],
        ["Conversations", "List, next page by cursor", `/api/admin/conversations?limit=50&cursor=${encodeURIComponent(first.nextCursor)}`, count],
        ["Conversations", "Search, a rare word", "/api/admin/conversations?limit=50&search=invoice-250001", count],
        ["Conversations", "Search, a common word", "/api/admin/conversations?limit=50&search=timeout", count],
        ["Conversations", "Search, Chinese", `/api/admin/conversations?limit=50&search=${encodeURIComponent("数据库")}`, count],
        ["Conversations", "Search page (HTML)", "/admin/conversations?search=backup", page],
        ["Conversations", "One conversation, newest 50 with runs (JSON)", `/api/admin/conversations/${busy}?limit=50`, messages],
        ["Conversations", "One conversation (HTML)", `/admin/conversations/${busy}`, page],
        ["Conversations", "One conversation, an older page", `/api/admin/conversations/${busy}?limit=50&before=${one.nextBefore}`, messages],
        ["Trace", "One message's trace (HTML)", `/admin/trace/telegram/${tracedId}`, page],
        ["Trace", "One message's trace (JSON)", `/api/admin/trace/telegram/${tracedId}`, describeJson],
        ["Approvals", "Approvals (HTML)", "/admin/approvals", page],
        ["Approvals", "Pending approvals (JSON)", "/api/admin/approvals?status=pending", describeJson],
        ["Approvals", "All approvals, newest 100 (JSON)", "/api/admin/approvals?status=all", describeJson],
        ["Jobs", "Jobs (HTML)", "/admin/jobs", page],
        ["Jobs", "Jobs (JSON)", "/api/admin/jobs", describeJson],
        ["Usage", "Usage (HTML)", "/admin/usage", page],
        ["Usage", "Per day, 30 days (JSON)", "/api/admin/usage/daily?days=30", describeJson],
        ["Usage", "Today by user (JSON)", "/api/admin/usage/breakdown?by=user", describeJson],
        ["Usage", "Today by chat (JSON)", "/api/admin/usage/breakdown?by=chat", describeJson],
        ["Usage", "Today by model (JSON)", "/api/admin/usage/breakdown?by=model", describeJson],
        ["Usage", "30 days by chat (JSON)", `/api/admin/usage/breakdown?by=chat&since=${monthAgo}`, describeJson],
        ["Usage", "30 days by user (JSON)", `/api/admin/usage/breakdown?by=user&since=${monthAgo}`, describeJson],
        ["Audit", "Audit log (HTML)", "/admin/audit", page],
        ["Audit", "First page (JSON)", "/api/admin/audit", describeJson],
        ["Audit", "Next page by cursor", `/api/admin/audit?cursor=${encodeURIComponent(auditFirst.nextCursor)}`, describeJson],
        ["Audit", "Filtered: kind=tool-decision", "/api/admin/audit?kind=tool-decision", describeJson],
        ["Audit", "Filtered: kind=run", "/api/admin/audit?kind=run", describeJson],
        ["Audit", "Filtered: the busiest chat", `/api/admin/audit?chat=${busy}`, describeJson],
        ["Audit", "Filtered: a quiet chat", `/api/admin/audit?chat=${quietChat}`, describeJson],
        ["Audit", "Filtered: a quiet user", `/api/admin/audit?user=u${quietIndex}`, describeJson],
        ["Audit", "Filtered page (HTML): a quiet chat, tool decisions", `/admin/audit?chat=${quietChat}&kind=tool-decision`, page],
        ["Access", "Pairing and access (HTML)", "/admin/access", page],
        ["Access", "Pairing and access (JSON)", "/api/admin/access", describeJson],
        ["Setup", "Setup (HTML)", "/admin/setup", page],
        ["Setup", "Channels (JSON)", "/api/admin/channels/setup", describeJson],
      ];
      for (const [section, name, path, detail] of rows) {
        process.stderr.write(`${section}: ${name}…\n`);
        timings.push(await row(section, name, path, detail));
      }
      // Downloads, not pages: fewer rounds (a whole log takes seconds).
      const downloads: Timing[] = [];
      const exportRows: [string, string, string, number][] = [
        ["Export", "usage.csv, 30 days", "/api/admin/usage.csv?days=30", 5],
        ["Export", "audit.csv, the last 24 hours", `/api/admin/audit.csv?since=${dayAgo}`, 5],
        ["Export", "audit.csv, a quiet chat", `/api/admin/audit.csv?chat=${quietChat}`, 5],
        ["Export", "audit.csv, everything", "/api/admin/audit.csv", 2],
      ];
      for (const [section, name, path, times] of exportRows) {
        process.stderr.write(`${section}: ${name}…\n`);
        downloads.push(await row(section, name, path, describeCsv, times));
      }
      const loadAfter = loadavg();
      return { fill, rounds, timings, downloads, load: { before: loadBefore, after: loadAfter } };
    } finally {
      await gateway.stop();
    }
  } finally {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderConsole(result: Awaited<ReturnType<typeof measureConsole>>, format: "markdown" | "text"): string {
  const { fill, rounds, timings, downloads, load } = result;
  const ms = (value: number) => value.toFixed(1);
  const loads = (values: number[]) => values.map((value) => value.toFixed(2)).join(" ");
  const heading = `Console on ${fill.messages.toLocaleString("en-US")} messages over ${fill.conversations.toLocaleString("en-US")} conversations (SQLite, ${(fill.databaseBytes / 2 ** 20).toFixed(0)} MB${Number.isNaN(fill.fillSeconds) ? "" : `, filled in ${fill.fillSeconds.toFixed(0)} s`}); busiest conversation ${fill.busyKey}; load average ${loads(load.before)} before measuring, ${loads(load.after)} after; first request, then ${rounds} more (downloads: fewer): p50 / p95 / max`;
  const over = (row: Timing) => (row.p95Ms > 200 ? " **over 200 ms**" : "");
  if (format === "text") {
    const text = (row: Timing) => `  ${row.page}: ${row.name}: first ${ms(row.firstMs)} ms, p50 ${ms(row.p50Ms)} ms, p95 ${ms(row.p95Ms)} ms, max ${ms(row.maxMs)} ms (${row.detail}, ${row.bytes} bytes)${over(row)}`;
    return `\n${heading}\n${timings.map(text).join("\n")}\nDownloads:\n${downloads.map(text).join("\n")}\n`;
  }
  const line = (row: Timing) => `| ${row.page} | ${row.name}${over(row)} | \`${row.path.replace(/(cursor|before)=[^&]+/, "$1=…")}\` | ${ms(row.firstMs)} | ${ms(row.p50Ms)} | ${ms(row.p95Ms)} | ${ms(row.maxMs)} | ${row.detail}, ${(row.bytes / 1024).toFixed(1)} KB |`;
  const header = "| Page | Request | Path | First (ms) | p50 (ms) | p95 (ms) | Max (ms) | Answer |\n|---|---|---|---:|---:|---:|---:|---|";
  return `\n${heading}\n\n${header}\n${timings.map(line).join("\n")}\n\nDownloads (CSV exports, not pages):\n\n${header}\n${downloads.map(line).join("\n")}\n`;
}

if (import.meta.main) {
  const option = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  const messages = option("--messages");
  const dataDir = option("--data-dir");
  measureConsole({ ...(messages ? { messages: Number(messages) } : {}), ...(dataDir ? { dataDir } : {}) }).then(
    (result) => process.stdout.write(renderConsole(result, process.argv.includes("--markdown") ? "markdown" : "text")),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
