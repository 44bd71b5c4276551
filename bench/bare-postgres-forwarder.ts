/**
 * A baseline for the PostgreSQL bench, as its own process: the bare Telegram forwarder (`telegram-forwarder.ts`) with
 * the database round trips a turn makes, and nothing else: the update is inserted (the 200 follows its commit), then
 * a chat's row is taken, the chat's last messages read, the reply recorded, sent as one sendMessage over a keep-alive
 * agent, marked sent, and the chat's row given back: six statements one after the other over `pg`'s pools, the
 * insert committed to disk as Pincer commits its inbox and the rest not waiting for it, as Pincer's other writes. No
 * order between a chat's messages, no exactly-once beyond the platform's, no telegraf, no agent.
 * It shows what the same split into processes costs a program that does only this. Speaks `gateway-process.ts`'s
 * protocol: `ready <url>` once it serves, `counters <json>` on SIGUSR2, stops on SIGTERM.
 */
import { Agent, createServer, request } from "node:http";
import pg from "pg";
import { readBody } from "../adapters/kit/http-body.ts";
import { listenLocally } from "./listen.ts";

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error("DATABASE_URL: the database URL (with ?schema=… as the bench gives it)");
const url = new URL(databaseUrl);
const schema = url.searchParams.get("schema") ?? "public";
url.searchParams.delete("schema");
const apiRoot = process.env.TELEGRAM_API_ROOT!.replace(/\/+$/, "");
const sendUrl = new URL(`${apiRoot}/bot${process.env.TELEGRAM_BOT_TOKEN}/sendMessage`);
const secretToken = process.env.TELEGRAM_WEBHOOK_SECRET;

// Pincer pipelines its statements over two connections; without pipelining, this one needs more to keep up.
const pool = new pg.Pool({ connectionString: url.toString(), max: 6, options: `-c search_path=${schema} -c synchronous_commit=off` });
const inboxPool = new pg.Pool({ connectionString: url.toString(), max: 2, options: `-c search_path=${schema}` });
await inboxPool.query(`
  CREATE SCHEMA IF NOT EXISTS ${schema};
  CREATE TABLE IF NOT EXISTS bare_updates (key text PRIMARY KEY, chat text NOT NULL, text text NOT NULL, status text NOT NULL, at bigint NOT NULL);
  CREATE INDEX IF NOT EXISTS bare_updates_by_chat ON bare_updates (chat, at);
  CREATE TABLE IF NOT EXISTS bare_chats (chat text PRIMARY KEY, holder text, turns integer NOT NULL DEFAULT 0);
`);
const statements = {
  insert: { name: "bare-insert", text: "INSERT INTO bare_updates (key, chat, text, status, at) VALUES ($1, $2, $3, 'received', $4) ON CONFLICT (key) DO NOTHING" },
  take: {
    name: "bare-take",
    text: `INSERT INTO bare_chats (chat, holder) VALUES ($1, $2) ON CONFLICT (chat) DO UPDATE SET holder = $2, turns = bare_chats.turns + 1 RETURNING turns`,
  },
  history: { name: "bare-history", text: "SELECT text FROM bare_updates WHERE chat = $1 ORDER BY at DESC LIMIT 20" },
  reply: { name: "bare-reply", text: "UPDATE bare_updates SET status = 'replying' WHERE key = $1" },
  sent: { name: "bare-sent", text: "UPDATE bare_updates SET status = 'sent' WHERE key = $1" },
  release: { name: "bare-release", text: "UPDATE bare_chats SET holder = NULL WHERE chat = $1 AND holder = $2" },
};
/** Counted as `gateway-process.ts` counts Pincer's: by the statement's first words. */
const counted: Record<string, number> = {};
const run = (statement: { name: string; text: string }, values: unknown[]) => {
  const head = statement.text.slice(0, 60);
  counted[head] = (counted[head] ?? 0) + 1;
  return (statement === statements.insert ? inboxPool : pool).query({ ...statement, values });
};

const agent = new Agent({ keepAlive: true });
const sendMessage = (chatId: unknown, text: string) =>
  new Promise<void>((resolve) => {
    const body = JSON.stringify({ chat_id: chatId, text });
    const call = request(sendUrl, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on("end", resolve);
    });
    call.on("error", () => resolve());
    call.end(body);
  });

const holder = String(process.pid);
async function answer(key: string, chat: string, text: string): Promise<void> {
  await run(statements.take, [chat, holder]);
  await run(statements.history, [chat]);
  await run(statements.reply, [key]);
  await sendMessage(Number(chat), text.replace(/^\/echo\s*/, ""));
  await run(statements.sent, [key]);
  await run(statements.release, [chat, holder]);
}

const server = createServer((incoming, response) => {
  if (incoming.method !== "POST" || incoming.headers["x-telegram-bot-api-secret-token"] !== secretToken) {
    response.writeHead(401).end();
    return;
  }
  void readBody(incoming).then(async (raw) => {
    const update = JSON.parse(raw.toString("utf8")) as { update_id: number; message: { chat: { id: number }; text: string } };
    const key = String(update.update_id);
    const chat = String(update.message.chat.id);
    await run(statements.insert, [key, chat, update.message.text, Date.now()]);
    response.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    void answer(key, chat, update.message.text).catch((error: unknown) => process.stderr.write(`bare forwarder: ${String(error)}\n`));
  }).catch(() => response.writeHead(500).end());
});
const listening = await listenLocally(server);
const cpuAtReady = process.cpuUsage();
process.stdout.write(`ready ${listening.url}\n`);
process.on("SIGUSR2", () => {
  const cpu = process.cpuUsage(cpuAtReady);
  process.stdout.write(`counters ${JSON.stringify({ statements: counted, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
});
process.once("SIGTERM", () => {
  void listening.stop().then(() => Promise.all([pool.end(), inboxPool.end()])).finally(() => process.exit(0));
});
