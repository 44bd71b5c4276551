/**
 * The console on a large store (`npm run bench:console`): 1,000,000 messages over 20,000 conversations in a SQLite
 * store, a run for every tenth message (tool calls, a model call, reply parts, some approvals), then the real
 * gateway on that store and the console's conversation pages and API timed over HTTP: the list's first page and a later
 * one, searches (a rare word, a common one, Chinese), one busy conversation's newest and an older page.
 * `--messages N` makes a smaller store; `--data-dir D` keeps the filled store in D and uses it again next time (filling
 * 1,000,000 messages takes minutes); `--markdown` prints the table for docs/benchmarks.md.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
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
  name: string;
  path: string;
  firstMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
  detail: string;
}

async function time(name: string, url: string, token: string, rounds: number, detail: (body: string) => string): Promise<Timing> {
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
    name, path: new URL(url).pathname + new URL(url).search, firstMs: firstMs!, p50Ms: percentile(sorted, 0.5), p95Ms: percentile(sorted, 0.95),
    maxMs: sorted.at(-1)!, bytes: Buffer.byteLength(body), detail: detail(body),
  };
}

/** A store filled by an earlier run in `dataDir` (`--data-dir`), when it has the same number of messages. */
function filledBefore(dataDir: string, messageCount: number, conversationCount: number): Fill | undefined {
  if (!existsSync(join(dataDir, "pincer.db"))) return undefined;
  const database = new DatabaseSync(join(dataDir, "pincer.db"), { readOnly: true });
  try {
    const found = database.prepare("SELECT count(*) AS n FROM inbox").get() as { n: number };
    if (found.n !== messageCount) return undefined;
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
      const page = () => "HTML";
      const first = (await (await fetch(`${base}/api/admin/conversations?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { nextCursor: string };
      const one = (await (await fetch(`${base}/api/admin/conversations/${encodeURIComponent(fill.busyKey)}?limit=50`, { headers: { authorization: `Bearer ${token}` } })).json()) as { nextBefore: string };
      const busy = encodeURIComponent(fill.busyKey);
      const timings = [
        await time("List, first page (JSON)", `${base}/api/admin/conversations?limit=50`, token, rounds, count),
        await time("List, first page (HTML)", `${base}/admin/conversations`, token, rounds, page),
        await time("List, next page by cursor", `${base}/api/admin/conversations?limit=50&cursor=${encodeURIComponent(first.nextCursor)}`, token, rounds, count),
        await time("Search, a rare word", `${base}/api/admin/conversations?limit=50&search=invoice-250001`, token, rounds, count),
        await time("Search, a common word", `${base}/api/admin/conversations?limit=50&search=timeout`, token, rounds, count),
        await time("Search, Chinese", `${base}/api/admin/conversations?limit=50&search=${encodeURIComponent("数据库")}`, token, rounds, count),
        await time("Search page (HTML)", `${base}/admin/conversations?search=backup`, token, rounds, page),
        await time("One conversation, newest 50 with runs (JSON)", `${base}/api/admin/conversations/${busy}?limit=50`, token, rounds, messages),
        await time("One conversation (HTML)", `${base}/admin/conversations/${busy}`, token, rounds, page),
        await time("One conversation, an older page", `${base}/api/admin/conversations/${busy}?limit=50&before=${one.nextBefore}`, token, rounds, messages),
      ];
      return { fill, rounds, timings };
    } finally {
      await gateway.stop();
    }
  } finally {
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

export function renderConsole(result: Awaited<ReturnType<typeof measureConsole>>, format: "markdown" | "text"): string {
  const { fill, rounds, timings } = result;
  const ms = (value: number) => value.toFixed(1);
  const heading = `Console on ${fill.messages.toLocaleString("en-US")} messages over ${fill.conversations.toLocaleString("en-US")} conversations (SQLite, ${(fill.databaseBytes / 2 ** 20).toFixed(0)} MB${Number.isNaN(fill.fillSeconds) ? "" : `, filled in ${fill.fillSeconds.toFixed(0)} s`}); busiest conversation ${fill.busyKey}; first request, then ${rounds} more: p50 / p95 / max`;
  if (format === "text") {
    return `\n${heading}\n${timings.map((row) => `  ${row.name}: first ${ms(row.firstMs)} ms, p50 ${ms(row.p50Ms)} ms, p95 ${ms(row.p95Ms)} ms, max ${ms(row.maxMs)} ms (${row.detail}, ${row.bytes} bytes)`).join("\n")}\n`;
  }
  const lines = timings.map((row) => `| ${row.name} | ${ms(row.firstMs)} | ${ms(row.p50Ms)} | ${ms(row.p95Ms)} | ${ms(row.maxMs)} | ${row.detail}, ${(row.bytes / 1024).toFixed(1)} KB |`);
  return `\n${heading}\n\n| Request | First (ms) | p50 (ms) | p95 (ms) | Max (ms) | Answer |\n|---|---:|---:|---:|---:|---|\n${lines.join("\n")}\n`;
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
