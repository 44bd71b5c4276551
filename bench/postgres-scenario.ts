import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { LoadClient } from "./client-link.ts";
import type { EchoCheck } from "./echo-ledger.ts";
import { startGatewayProcess, type GatewayProcess } from "./gateway-processes.ts";
import type { Target } from "./load-client.ts";
import { measurePollerFailover, type FailoverResult } from "./postgres-failover.ts";
import { runRounds, type RoundsPlan } from "./rounds.ts";
import type { ServerRun } from "./server-run.ts";

/** Obviously fake: the Bot API that sees it is the load client's. */
const botToken = "123456:BENCH-fake";
const secretToken = "bench-webhook-secret-0123456789abcdef";

export type ClusterKey = "sqlite1" | "postgres1" | "postgres2" | "postgres3";
export const clusterSetups: Record<ClusterKey, { store: "SQLite" | "PostgreSQL"; processCount: number }> = {
  sqlite1: { store: "SQLite", processCount: 1 },
  postgres1: { store: "PostgreSQL", processCount: 1 },
  postgres2: { store: "PostgreSQL", processCount: 2 },
  postgres3: { store: "PostgreSQL", processCount: 3 },
};

export interface PostgresResults {
  runs: Record<ClusterKey, ServerRun>;
  echoes: Record<ClusterKey, EchoCheck>;
  /** SQL statements the setup's processes sent per message answered (warm-up included), background work included. */
  statementsPerMessage: Partial<Record<ClusterKey, number>>;
  failover: FailoverResult;
}

/** The statements of all the processes, summed by their first words, most frequent first. */
async function countStatements(processes: GatewayProcess[]): Promise<[string, number][]> {
  const total = new Map<string, number>();
  for (const each of processes) for (const [head, count] of Object.entries(await each.statements())) total.set(head, (total.get(head) ?? 0) + count);
  return [...total].sort((a, b) => b[1] - a[1]);
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
 * through 1, 2 and 3 gateway processes on one PostgreSQL database (a schema each), beside one process on SQLite, in
 * alternating closed-loop rounds; each process is its own OS process (`gateway-process.ts`), and the updates of a
 * chat go to the processes in turn. Then the exactly-once echo check, and the failover of a killed poller.
 */
export async function runPostgresScenario(
  client: LoadClient,
  plan: RoundsPlan,
  options: { databaseUrl: string; leaseSec: number; tempDir: string },
  stoppers: (() => Promise<void>)[],
  log: (line: string) => void,
): Promise<PostgresResults> {
  const apiRoot = await client.startBotApi(botToken);
  const telegram = { TELEGRAM_BOT_TOKEN: botToken, TELEGRAM_API_ROOT: apiRoot, TELEGRAM_WEBHOOK_SECRET: secretToken, PINCER_DM_POLICY: "open" };
  const targets = {} as Record<ClusterKey, Target>;
  const processesOf = {} as Record<ClusterKey, GatewayProcess[]>;
  for (const [key, setup] of Object.entries(clusterSetups) as [ClusterKey, (typeof clusterSetups)[ClusterKey]][]) {
    log(`PostgreSQL bench: starting ${setup.processCount} process(es) on ${setup.store}`);
    const env = setup.store === "PostgreSQL" ? { ...telegram, DATABASE_URL: withSchema(options.databaseUrl, stoppers) } : telegram;
    const processes: GatewayProcess[] = [];
    for (let index = 0; index < setup.processCount; index += 1) {
      const started = await startGatewayProcess(env, options.tempDir);
      stoppers.push(() => started.stop());
      processes.push(started);
    }
    processesOf[key] = processes;
    const [first, ...rest] = processes.map((each) => each.url);
    targets[key] = {
      type: "telegram", name: `${setup.processCount} × Pincer on ${setup.store}`, url: first!, secretToken, ...(rest.length > 0 ? { moreUrls: rest } : {}),
    };
  }
  const runs = await runRounds(client, targets, plan, {}, log);
  // Whatever a process still had to send (a retry, a late duplicate) reaches the fake before the count.
  await sleep(3000);
  const echoes = {} as Record<ClusterKey, EchoCheck>;
  for (const key of Object.keys(targets) as ClusterKey[]) {
    echoes[key] = await client.checkEchoes(`${key}-`);
    const check = echoes[key];
    if (check.exactlyOnceCount !== check.expectedCount || check.strayCount > 0) {
      log(`${targets[key].name}: ${check.missingCount} without echo, ${check.duplicatedCount} echoed more than once, ${check.strayCount} stray; ${check.examples.join("; ")}`);
    }
  }
  const statementsPerMessage: PostgresResults["statementsPerMessage"] = {};
  for (const key of Object.keys(targets) as ClusterKey[]) {
    if (clusterSetups[key].store !== "PostgreSQL") continue;
    const counted = await countStatements(processesOf[key]);
    const perMessage = (count: number) => count / echoes[key].expectedCount;
    statementsPerMessage[key] = perMessage(counted.reduce((sum, [, count]) => sum + count, 0));
    if (key === "postgres1") {
      log(`statements per message, ${targets[key].name}:\n${counted.slice(0, 25).map(([head, count]) => `  ${perMessage(count).toFixed(2)}  ${head}`).join("\n")}`);
    }
  }
  log("PostgreSQL bench: failover of a killed poller");
  const failover = await measurePollerFailover(withSchema(options.databaseUrl, stoppers), options.leaseSec, options.tempDir, log);
  return { runs, echoes, statementsPerMessage, failover };
}
