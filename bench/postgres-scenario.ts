import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { LoadClient } from "./client-link.ts";
import type { EchoCheck } from "./echo-ledger.ts";
import { startGatewayProcess, type BenchProgram, type GatewayCounters, type GatewayProcess } from "./gateway-processes.ts";
import type { LoadPlan, Target } from "./load-client.ts";
import { measurePollerFailover, type FailoverResult } from "./postgres-failover.ts";
import { runRounds, type RoundsPlan } from "./rounds.ts";
import { measureRun, poolRuns, type ServerRun } from "./server-run.ts";

/** Obviously fake: the Bot API that sees it is the load client's. */
const botToken = "123456:BENCH-fake";
const secretToken = "bench-webhook-secret-0123456789abcdef";

export type ClusterKey = "sqlite1" | "postgres1" | "postgres2" | "postgres3" | "bare1" | "bare3";
export interface ClusterSetup {
  program: BenchProgram;
  store: "SQLite" | "PostgreSQL";
  processCount: number;
}
export const clusterSetups: Record<ClusterKey, ClusterSetup> = {
  sqlite1: { program: "pincer", store: "SQLite", processCount: 1 },
  postgres1: { program: "pincer", store: "PostgreSQL", processCount: 1 },
  postgres2: { program: "pincer", store: "PostgreSQL", processCount: 2 },
  postgres3: { program: "pincer", store: "PostgreSQL", processCount: 3 },
  // What the same split costs a program that makes the same round trips and nothing else (`bare-postgres-forwarder.ts`).
  bare1: { program: "bare", store: "PostgreSQL", processCount: 1 },
  bare3: { program: "bare", store: "PostgreSQL", processCount: 3 },
};

export interface PostgresResults {
  runs: Record<ClusterKey, ServerRun>;
  echoes: Record<ClusterKey, EchoCheck>;
  /** SQL statements the setup's processes sent per message answered in the measured rounds, background work included. */
  statementsPerMessage: Partial<Record<ClusterKey, number>>;
  /** CPU time the setup's processes used per message answered, counted as the statements are. */
  cpuMsPerMessage: Record<ClusterKey, number>;
  /** The same fixed rate through each setup in turn, after the rounds: latency and CPU at a load every setup carries. */
  rate: { plan: Extract<LoadPlan, { type: "rate" }>; runs: Record<ClusterKey, ServerRun>; cpuMsPerMessage: Record<ClusterKey, number> };
  failover: FailoverResult;
}

type Counted = Map<GatewayProcess, GatewayCounters>;

/** Each process's counters now (cumulative since it served). */
async function countersOf(processes: GatewayProcess[]): Promise<Counted> {
  const counted: Counted = new Map();
  for (const each of processes) counted.set(each, await each.counters());
  return counted;
}

/** What the processes did between two readings: statements summed by their first words, most frequent first; CPU time. */
function difference(processes: GatewayProcess[], since: Counted, until: Counted): { statements: [string, number][]; cpuMs: number } {
  const total = new Map<string, number>();
  let cpuMs = 0;
  for (const each of processes) {
    const before = since.get(each);
    const after = until.get(each)!;
    for (const [head, count] of Object.entries(after.statements)) total.set(head, (total.get(head) ?? 0) + count - (before?.statements[head] ?? 0));
    cpuMs += after.cpuMs - (before?.cpuMs ?? 0);
  }
  return { statements: [...total].filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]), cpuMs };
}

/** What the store says about a message the echo check found unanswered: its inbox row and its reply parts. */
async function describeUnanswered(databaseUrl: string, echoId: string): Promise<string> {
  const url = new URL(databaseUrl);
  const schema = url.searchParams.get("schema");
  url.searchParams.delete("schema");
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ key: string; status: string; turn: string | null; received_at: number; parts: string }>(
      `SELECT i.key, i.status, i.turn, i.received_at::text AS received_at,
         (SELECT string_agg(o.key || '=' || o.status, ', ') FROM ${schema}.outbox AS o WHERE o.key LIKE i.key || ':%') AS parts
       FROM ${schema}.inbox AS i WHERE i.message LIKE $1`,
      [`%${echoId}%`],
    );
    return rows.map((row) => `${row.key} ${row.status} turn=${row.turn ?? "-"} received_at=${row.received_at} parts=[${row.parts ?? ""}]`).join("; ") || "not in the inbox";
  } finally {
    await client.end();
  }
}

/** The database URL with a fresh schema of the bench's own (dropped by `stoppers`). */
function withSchema(databaseUrl: string, stoppers: (() => Promise<void>)[]): string {
  const schema = `pincer_bench_${randomBytes(5).toString("hex")}`;
  stoppers.push(async () => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    } finally {
      await client.end();
    }
  });
  const url = new URL(databaseUrl);
  url.searchParams.set("schema", schema);
  return url.toString();
}

/**
 * The PostgreSQL row of `npm run bench -- --postgres`: Telegram webhook traffic (the load client's fake Bot API)
 * through 1, 2 and 3 gateway processes on one PostgreSQL database (a schema each), beside one process on SQLite and
 * the bare forwarder in 1 and 3 processes (the same round trips and nothing else), in alternating closed-loop rounds; each process is its own OS process (`gateway-process.ts`), and the updates of a
 * chat go to the processes in turn. Then the same fixed rate through each setup in turn, the exactly-once echo check
 * (of the rounds and the fixed rate), and the failover of a killed poller.
 */
export async function runPostgresScenario(
  client: LoadClient,
  plan: RoundsPlan,
  options: { databaseUrl: string; leaseSec: number; tempDir: string; ratePlan: Extract<LoadPlan, { type: "rate" }> },
  stoppers: (() => Promise<void>)[],
  log: (line: string) => void,
): Promise<PostgresResults> {
  const apiRoot = await client.startBotApi(botToken);
  const telegram = { TELEGRAM_BOT_TOKEN: botToken, TELEGRAM_API_ROOT: apiRoot, TELEGRAM_WEBHOOK_SECRET: secretToken, PINCER_DM_POLICY: "open" };
  const targets = {} as Record<ClusterKey, Target>;
  const processesOf = {} as Record<ClusterKey, GatewayProcess[]>;
  const databaseUrlOf: Partial<Record<ClusterKey, string>> = {};
  for (const [key, setup] of Object.entries(clusterSetups) as [ClusterKey, (typeof clusterSetups)[ClusterKey]][]) {
    log(`PostgreSQL bench: starting ${setup.processCount} process(es) of ${setup.program} on ${setup.store}`);
    if (setup.store === "PostgreSQL") databaseUrlOf[key] = withSchema(options.databaseUrl, stoppers);
    const env = databaseUrlOf[key] ? { ...telegram, DATABASE_URL: databaseUrlOf[key] } : telegram;
    const processes: GatewayProcess[] = [];
    for (let index = 0; index < setup.processCount; index += 1) {
      const started = await startGatewayProcess(env, options.tempDir, setup.program);
      stoppers.push(() => started.stop());
      processes.push(started);
    }
    processesOf[key] = processes;
    const [first, ...rest] = processes.map((each) => each.url);
    targets[key] = {
      type: "telegram", name: `${setup.processCount} × ${setup.program === "bare" ? "bare forwarder" : "Pincer"} on ${setup.store}`, url: first!, secretToken, ...(rest.length > 0 ? { moreUrls: rest } : {}),
    };
  }
  // The counters after the warm-ups: the figures per message are those of the measured rounds (V8 compiles per process).
  const everyProcess = Object.values(processesOf).flat();
  let warm: Counted = new Map();
  const runs = await runRounds(client, targets, plan, {}, log, async () => {
    warm = await countersOf(everyProcess);
  });
  const rounded = await countersOf(everyProcess);
  const rate = { plan: options.ratePlan, runs: {} as Record<ClusterKey, ServerRun>, cpuMsPerMessage: {} as Record<ClusterKey, number> };
  for (const key of Object.keys(targets) as ClusterKey[]) {
    log(`fixed rate: ${targets[key].name}`);
    const before = await countersOf(processesOf[key]);
    rate.runs[key] = await measureRun(client, targets[key], options.ratePlan, `${key}-r`, plan.limits);
    rate.cpuMsPerMessage[key] = difference(processesOf[key], before, await countersOf(processesOf[key])).cpuMs / rate.runs[key].load.completedCount;
  }
  for (const key of Object.keys(targets) as ClusterKey[]) {
    const { failedCount, firstError } = poolRuns([runs[key], rate.runs[key]]).load;
    if (failedCount > 0) log(`${targets[key].name}: ${failedCount} got no echo in time; first: ${firstError}`);
  }
  // Whatever a process still had to send (a retry, a late duplicate) reaches the fake before the count.
  await sleep(3000);
  const echoes = {} as Record<ClusterKey, EchoCheck>;
  for (const key of Object.keys(targets) as ClusterKey[]) {
    echoes[key] = await client.checkEchoes(`${key}-`);
    const check = echoes[key];
    if (check.exactlyOnceCount !== check.expectedCount || check.strayCount > 0) {
      log(`${targets[key].name}: ${check.missingCount} without echo, ${check.duplicatedCount} echoed more than once, ${check.strayCount} stray; ${check.examples.join("; ")}`);
      for (const example of check.examples.filter((each) => each.endsWith("no echo")).slice(0, 3)) {
        const echoId = example.split(":")[0]!;
        if (databaseUrlOf[key] && clusterSetups[key].program === "pincer") log(`  ${echoId} in the store: ${await describeUnanswered(databaseUrlOf[key], echoId)}`);
      }
    }
  }
  // A message still unanswered is looked at again after two lease periods: answered late (a retake, recovery) or lost.
  const unanswered = (Object.keys(targets) as ClusterKey[]).filter((key) => echoes[key].missingCount > 0);
  if (unanswered.length > 0) {
    await sleep(2 * options.leaseSec * 1000);
    for (const key of unanswered) {
      const again = await client.checkEchoes(`${key}-`);
      log(`${targets[key].name}, ${2 * options.leaseSec} s later: ${again.missingCount} still without echo, ${again.duplicatedCount} echoed more than once`);
    }
  }
  const statementsPerMessage: PostgresResults["statementsPerMessage"] = {};
  const cpuMsPerMessage = {} as PostgresResults["cpuMsPerMessage"];
  for (const key of Object.keys(targets) as ClusterKey[]) {
    const { statements: counted, cpuMs } = difference(processesOf[key], warm, rounded);
    const perMessage = (count: number) => count / runs[key].load.completedCount;
    cpuMsPerMessage[key] = perMessage(cpuMs);
    if (clusterSetups[key].store !== "PostgreSQL") continue;
    statementsPerMessage[key] = perMessage(counted.reduce((sum, [, count]) => sum + count, 0));
    if (key === "postgres1") {
      log(`statements per message, ${targets[key].name}:\n${counted.slice(0, 25).map(([head, count]) => `  ${perMessage(count).toFixed(2)}  ${head}`).join("\n")}`);
    }
  }
  log("PostgreSQL bench: failover of a killed poller");
  const failover = await measurePollerFailover(withSchema(options.databaseUrl, stoppers), options.leaseSec, options.tempDir, log);
  return { runs, echoes, statementsPerMessage, cpuMsPerMessage, rate, failover };
}
