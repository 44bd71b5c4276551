/**
 * One gateway as its own process for the PostgreSQL bench (`postgres-scenario.ts`): the settings come from the
 * environment (as for `pincer start`), the built-in agent answers at once (as in the in-process bench), logs at warn
 * or above are counted, not printed. Prints `ready <url>` once it serves; SIGUSR2 prints `counters <json>`: the SQL
 * statements sent to PostgreSQL since it served, by their first words, and the CPU time it used since then; SIGTERM
 * stops it.
 */
import pg from "pg";
import { createBuiltinAgent } from "../agents/builtin/index.ts";
import { loadConfig } from "../core/config.ts";
import { startGateway } from "../gateway/gateway.ts";
import { createLogTap } from "./log-tap.ts";

/** Counted by the statement's text as sent (cheap); summed by first words when printed. */
const statements = new Map<string, number>();
let isCounting = false;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (isCounting) {
    const text = typeof args[0] === "string" ? args[0] : ((args[0] as { text?: string } | undefined)?.text ?? "");
    statements.set(text, (statements.get(text) ?? 0) + 1);
  }
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

function statementsByHead(): Record<string, number> {
  const byHead: Record<string, number> = {};
  for (const [text, count] of statements) {
    const head = text.replace(/\s+/g, " ").trim().slice(0, 60);
    byHead[head] = (byHead[head] ?? 0) + count;
  }
  return byHead;
}

const logTap = createLogTap();
const gateway = await startGateway(loadConfig(), { agent: createBuiltinAgent({ deltaDelayMs: 0 }), logDestination: logTap.destination });
isCounting = true;
const cpuAtReady = process.cpuUsage();
process.stdout.write(`ready ${gateway.url}\n`);
process.on("SIGUSR2", () => {
  const cpu = process.cpuUsage(cpuAtReady);
  process.stdout.write(`counters ${JSON.stringify({ statements: statementsByHead(), cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
});
process.once("SIGTERM", () => {
  for (const line of logTap.kept.slice(0, 5)) process.stderr.write(`gateway ${process.pid} logged: ${line}\n`);
  void gateway.stop().finally(() => process.exit(0));
});
