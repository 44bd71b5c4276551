/**
 * `npm run bench [-- --messages N] [-- --markdown]`: the figures of design §7, measured against a
 * bare node:http forwarder and a bare express app with the same load client in the same run, through
 * the web chat's API and then through Telegram's webhook (`telegram-scenario.ts`).
 * All traffic stays on 127.0.0.1; every loop is bounded in count and time.
 * `npm run bench -- --postgres` runs the PostgreSQL figures instead (`postgres-scenario.ts`): 1, 2 and 3 gateway
 * processes on the server that PINCER_TEST_DATABASE_URL or DATABASE_URL names, beside one on SQLite, and a bare
 * forwarder making the same round trips in 1 and 3 processes.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startBenchGateway } from "./bench-gateway.ts";
import type { Gateway } from "../gateway/gateway.ts";
import type { BenchServer } from "./listen.ts";
import { spawnLoadClient, type LoadClient } from "./client-link.ts";
import { measureColdStart } from "./cold-start.ts";
import { measureInstallSize } from "./install-size.ts";
import type { LoadLimits, LoadPlan, Target } from "./load-client.ts";
import { settledMemory } from "./memory.ts";
import { renderReport } from "./report.ts";
import { runRounds, type RoundsPlan } from "./rounds.ts";
import { measureRun } from "./server-run.ts";
import { countDoneMessages, countTraceSpans, describeMessages } from "./store-check.ts";
import { runTelegramScenario } from "./telegram-scenario.ts";

const usage = `Usage: npm run bench -- [--messages N] [--rounds N] [--concurrency N] [--conversations N]
                       [--warmup N] [--rate N] [--rate-seconds N] [--markdown]
                       [--postgres [--lease-sec N]]   (PINCER_TEST_DATABASE_URL or DATABASE_URL: a PostgreSQL server)`;

function integerOption(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`--${name}: expected an integer from ${min} to ${max} (got "${raw}")\n${usage}`);
  }
  return value;
}

function readSettings() {
  const { values } = parseArgs({
    options: {
      messages: { type: "string", default: "2000" },
      rounds: { type: "string", default: "3" },
      concurrency: { type: "string", default: "32" },
      conversations: { type: "string", default: "50" },
      warmup: { type: "string", default: "300" },
      rate: { type: "string", default: "200" },
      "rate-seconds": { type: "string", default: "5" },
      markdown: { type: "boolean", default: false },
      postgres: { type: "boolean", default: false },
      "lease-sec": { type: "string", default: "15" },
    },
  });
  return {
    messageCount: integerOption(values.messages, "messages", 1, 1_000_000),
    roundCount: integerOption(values.rounds, "rounds", 1, 100),
    concurrency: integerOption(values.concurrency, "concurrency", 1, 1_000),
    conversationCount: integerOption(values.conversations, "conversations", 1, 1_000),
    warmupCount: integerOption(values.warmup, "warmup", 0, 100_000),
    ratePerSecond: integerOption(values.rate, "rate", 1, 10_000),
    rateSeconds: integerOption(values["rate-seconds"], "rate-seconds", 1, 600),
    isMarkdown: values.markdown,
    isPostgres: values.postgres,
    leaseSec: integerOption(values["lease-sec"], "lease-sec", 1, 600),
  };
}

const limits: LoadLimits = { replyTimeoutMs: 10_000, runTimeoutMs: 300_000 };

type Settings = ReturnType<typeof readSettings>;
type Targets = Record<"forwarder" | "express" | "gateway", Target>;

function roundsPlan(settings: Settings): RoundsPlan {
  const { messageCount, roundCount, concurrency, conversationCount, warmupCount } = settings;
  return { closed: { type: "closed", messageCount, concurrency, conversationCount }, warmupCount, roundCount, limits };
}

/** Warm-up, closed-loop rounds alternating between the servers, then the fixed-rate runs. */
async function runLoads(client: LoadClient, targets: Targets, settings: Settings, gatewayIdle: () => Promise<void>, log: (line: string) => void) {
  const { ratePerSecond, rateSeconds, conversationCount } = settings;
  const ratePlan: LoadPlan = { type: "rate", perSecond: ratePerSecond, durationMs: rateSeconds * 1000, conversationCount };
  const closed = await runRounds(client, targets, roundsPlan(settings), { gateway: gatewayIdle }, log);
  log("fixed rate: forwarder");
  const rateForwarder = await measureRun(client, targets.forwarder, ratePlan, "forwarder-r", limits);
  log("fixed rate: gateway");
  const rate = { forwarder: rateForwarder, gateway: await measureRun(client, targets.gateway, ratePlan, "gateway-r", limits, gatewayIdle) };
  for (const run of [closed.forwarder, closed.express, closed.gateway, rate.forwarder, rate.gateway]) {
    if (run.load.failedCount > 0) log(`${run.name}: ${run.load.failedCount} got no echo; first: ${run.load.firstError}`);
  }
  return { closed, rate };
}

/**
 * The cost of the inbox's `synchronous=FULL` (an fsync of the WAL per insert, so an acknowledged message survives a
 * power cut): the same closed-loop rounds, alternating, against the gateway above and one whose inbox commits with NORMAL.
 */
async function measureDurableCommits(
  client: LoadClient,
  full: Gateway,
  normalDataDir: string,
  settings: Settings,
  stoppers: (() => Promise<void>)[],
  log: (line: string) => void,
) {
  const normal = await startBenchGateway(normalDataDir, {}, "NORMAL");
  stoppers.push(() => normal.gateway.stop());
  const targets = {
    full: { type: "web", name: "Pincer gateway, inbox synchronous=FULL", url: full.url, replyIn: "events", token: full.adminToken },
    normal: { type: "web", name: "Pincer gateway, all NORMAL", url: normal.gateway.url, replyIn: "events", token: normal.gateway.adminToken },
  } satisfies Record<string, Target>;
  return runRounds(client, targets, roundsPlan(settings), { full: () => full.pipeline.idle(), normal: () => normal.gateway.pipeline.idle() }, log);
}

/** `--postgres`: the PostgreSQL figures alone (the rest of the bench is the same with or without it). */
async function mainPostgres(settings: Settings): Promise<void> {
  const databaseUrl = process.env.PINCER_TEST_DATABASE_URL || process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error(`--postgres needs a PostgreSQL server: set PINCER_TEST_DATABASE_URL or DATABASE_URL (.ci/postgres-up prints one)\n${usage}`);
  const tempDir = mkdtempSync(join(tmpdir(), "pincer-bench-pg-"));
  const stoppers: (() => Promise<void>)[] = [];
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
  try {
    const client = spawnLoadClient();
    stoppers.push(() => client.close());
    const { runPostgresScenario } = await import("./postgres-scenario.ts");
    const { renderPostgres } = await import("./postgres-report.ts");
    const ratePlan = { type: "rate", perSecond: settings.ratePerSecond, durationMs: settings.rateSeconds * 1000, conversationCount: settings.conversationCount } as const;
    const results = await runPostgresScenario(client, roundsPlan(settings), { databaseUrl, leaseSec: settings.leaseSec, tempDir, ratePlan }, stoppers, log);
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, ${process.platform}`;
    const { messageCount, roundCount, concurrency, conversationCount } = settings;
    process.stdout.write(`\n${new Date().toISOString().slice(0, 10)}, ${machine}; ${roundCount} rounds of ${messageCount} messages, ${concurrency} in flight, ${conversationCount} chats\n`);
    process.stdout.write(renderPostgres(results, settings.isMarkdown ? "markdown" : "text"));
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => log(`cleanup: ${String(error)}`));
    rmSync(tempDir, { recursive: true, force: true });
  }
}

/**
 * The cost of recording every message's trace (core/trace.ts): the same closed-loop rounds, alternating, against two
 * fresh gateways started together, one recording traces (the default) and one recording none; and the span rows each
 * message left in the first one's store.
 */
async function measureTracingCost(client: LoadClient, dataDir: string, settings: Settings, stoppers: (() => Promise<void>)[], log: (line: string) => void) {
  const traced = await startBenchGateway(join(dataDir, "traced"));
  stoppers.push(() => traced.gateway.stop());
  const untraced = await startBenchGateway(join(dataDir, "untraced"), {}, "FULL", false);
  stoppers.push(() => untraced.gateway.stop());
  const targets = {
    traced: { type: "web", name: "Pincer gateway, traces recorded", url: traced.gateway.url, replyIn: "events", token: traced.gateway.adminToken },
    untraced: { type: "web", name: "Pincer gateway, no traces", url: untraced.gateway.url, replyIn: "events", token: untraced.gateway.adminToken },
  } satisfies Record<string, Target>;
  const runs = await runRounds(client, targets, roundsPlan(settings), { traced: () => traced.gateway.pipeline.idle(), untraced: () => untraced.gateway.pipeline.idle() }, log);
  await traced.gateway.tracer.flush();
  const databasePath = join(dataDir, "traced", "pincer.db");
  return { ...runs, spanCount: countTraceSpans(databasePath), doneCount: countDoneMessages(databasePath) };
}

async function main(): Promise<void> {
  const settings = readSettings();
  if (settings.isPostgres) return mainPostgres(settings);
  const repoDir = fileURLToPath(new URL("..", import.meta.url));
  const tempDir = mkdtempSync(join(tmpdir(), "pincer-bench-"));
  const stoppers: (() => Promise<void>)[] = [];
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

  try {
    const installSize = measureInstallSize(repoDir);

    log("cold start of `pincer start`");
    const coldDir = join(tempDir, "cold");
    mkdirSync(coldDir);
    execFileSync(process.execPath, [join(repoDir, "node_modules", "typescript", "bin", "tsc"), "-p", join(repoDir, "tsconfig.build.json")], { stdio: "inherit" });
    const coldStart = await measureColdStart(join(repoDir, "dist", "bin", "pincer.js"), coldDir, 1_000, 15_000);

    log("gateway in-process");
    const dataDir = join(tempDir, "gateway");
    const { gateway, logTap, start } = await startBenchGateway(dataDir);
    stoppers.push(() => gateway.stop());
    const idleMemory = await settledMemory(1_000);

    const [{ startBareForwarder }, { startBareExpress }] = await Promise.all([
      import("./bare-forwarder.ts"),
      import("./bare-express.ts"),
    ]);
    const servers: BenchServer[] = [await startBareForwarder(), await startBareExpress()];
    for (const server of servers) stoppers.push(() => server.stop());
    const client = spawnLoadClient();
    stoppers.push(() => client.close());

    const targets: Targets = {
      forwarder: { type: "web", name: "bare node:http forwarder", url: servers[0]!.url, replyIn: "events" },
      express: { type: "web", name: "bare express echo", url: servers[1]!.url, replyIn: "response" },
      gateway: { type: "web", name: "Pincer gateway (SQLite on)", url: gateway.url, replyIn: "events", token: gateway.adminToken },
    };
    const { closed, rate } = await runLoads(client, targets, settings, () => gateway.pipeline.idle(), log);
    const afterLoadMemory = await settledMemory(500);
    const databasePath = join(dataDir, "pincer.db");
    const storedDoneCount = countDoneMessages(databasePath);
    const lost = [closed.gateway, rate.gateway].flatMap((run) => run.load.failedIds);
    for (const line of describeMessages(databasePath, lost)) log(`no echo for ${line}`);
    for (const line of logTap.kept) log(`gateway logged: ${line}`);
    const durability = await measureDurableCommits(client, gateway, join(tempDir, "gateway-normal"), settings, stoppers, log);
    log("traces recorded against none");
    const tracing = await measureTracingCost(client, join(tempDir, "tracing"), settings, stoppers, log);
    const telegram = await runTelegramScenario(client, roundsPlan(settings), join(tempDir, "telegram"), stoppers, log);

    const report = renderReport(
      {
        date: new Date().toISOString().slice(0, 10),
        machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? "unknown CPU"}, Node ${process.version}, ${process.platform}`,
        settings,
        coldStart,
        inProcess: { ...start, idleMemory, afterLoadMemory },
        installSize,
        closed,
        rate,
        storedDoneCount,
        gatewayLogLineCount: logTap.lineCount(),
        telegram,
        durability,
        tracing,
      },
      settings.isMarkdown ? "markdown" : "text",
    );
    process.stdout.write(report);
    log("10,000 scheduled jobs");
    const { measureJobs, renderJobs } = await import("./jobs-scenario.ts");
    process.stdout.write(renderJobs(await measureJobs(), settings.isMarkdown ? "markdown" : "text"));
    log("200-turn conversation against the fake model server");
    // Loaded last: the tokenizer and the model SDKs would weigh on the memory figures above.
    const { measureContextTokens, renderContextTokens } = await import("./context-tokens.ts");
    process.stdout.write(renderContextTokens(await measureContextTokens(), settings.isMarkdown ? "markdown" : "text"));
  } finally {
    for (const stop of stoppers.reverse()) await stop();
    rmSync(tempDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
