/**
 * The jobs row of `npm run bench`: 10,000 repeating jobs in the store of a real gateway (in this process), one due
 * every `spacingMs` across them. Idle CPU with them loaded (none due), CPU while one fires per spacing, fire lag (due
 * time to the run's start, from the audit log) and memory held per 1,000 jobs. `node bench/jobs-scenario.ts` runs it alone.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import type { JobRecord } from "../core/store/jobs.ts";
import { startBenchGateway } from "./bench-gateway.ts";
import { settledMemory } from "./memory.ts";
import { percentile } from "./stats.ts";

export interface JobsResult {
  jobCount: number;
  /** The same gateway before any job was loaded: what the rest of it costs. */
  emptyCpuPercent: number;
  idleCpuPercent: number;
  idleSeconds: number;
  firingCpuPercent: number;
  firingSeconds: number;
  fired: number;
  lagP50Ms: number;
  lagP99Ms: number;
  rssPerThousandBytes: number;
  heapPerThousandBytes: number;
}

function cpuPercentOver(startedAt: number, before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - startedAt)) * 100;
}

export async function measureJobs(options: { jobCount?: number; spacingMs?: number; idleSeconds?: number; firingSeconds?: number } = {}): Promise<JobsResult> {
  const jobCount = options.jobCount ?? 10_000;
  const spacingMs = options.spacingMs ?? 1000;
  const idleSeconds = options.idleSeconds ?? 10;
  const firingSeconds = options.firingSeconds ?? 30;
  const dataDir = mkdtempSync(join(tmpdir(), "pincer-bench-jobs-"));
  const { gateway } = await startBenchGateway(dataDir);
  try {
    const before = await settledMemory(1000);
    let startedAt = performance.now();
    let cpu = process.cpuUsage();
    await sleep(idleSeconds * 1000);
    const emptyCpuPercent = cpuPercentOver(startedAt, cpu);
    // Nothing due during the idle window; then one every spacingMs.
    const firstDueAt = Date.now() + idleSeconds * 1000 + 15_000;
    const intervalMs = jobCount * spacingMs;
    for (let index = 0; index < jobCount; index += 1) {
      const job: JobRecord = {
        id: `b${index.toString(36).padStart(4, "0")}`, conversation: { platform: "web", chatId: "bench", kind: "direct" }, creatorRef: "web:owner",
        creatorName: "Owner", prompt: `/echo tick ${index}`, schedule: { type: "every", intervalMs }, timezone: "UTC", state: "active",
        nextRunAt: firstDueAt + index * spacingMs, isBackground: false, secretHash: undefined, createdAt: Date.now(), lastRun: undefined, runCount: 0,
      };
      await gateway.store.jobs.create(job);
    }
    gateway.scheduler.wake();
    const loaded = await settledMemory(4000);
    startedAt = performance.now();
    cpu = process.cpuUsage();
    await sleep(idleSeconds * 1000);
    const idleCpuPercent = cpuPercentOver(startedAt, cpu);
    await sleep(Math.max(0, firstDueAt - Date.now()));
    startedAt = performance.now();
    cpu = process.cpuUsage();
    await sleep(firingSeconds * 1000);
    const firingCpuPercent = cpuPercentOver(startedAt, cpu);
    const database = new DatabaseSync(join(dataDir, "pincer.db"), { readOnly: true });
    const rows = database.prepare("SELECT inbox_keys, started_at FROM runs WHERE inbox_keys LIKE '%job:%'").all() as { inbox_keys: string; started_at: number }[];
    database.close();
    const lags = rows
      .map((row) => row.started_at - Number(/:(\d+)"\]$/.exec(row.inbox_keys)?.[1]))
      .filter((lag) => Number.isFinite(lag))
      .sort((a, b) => a - b);
    return {
      jobCount, emptyCpuPercent, idleCpuPercent, idleSeconds, firingCpuPercent, firingSeconds, fired: lags.length,
      lagP50Ms: percentile(lags, 0.5), lagP99Ms: percentile(lags, 0.99),
      rssPerThousandBytes: ((loaded.rssBytes - before.rssBytes) * 1000) / jobCount,
      heapPerThousandBytes: ((loaded.heapUsedBytes - before.heapUsedBytes) * 1000) / jobCount,
    };
  } finally {
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

export function renderJobs(result: JobsResult, format: "markdown" | "text"): string {
  const rows = [
    ["Jobs in the store", result.jobCount.toLocaleString("en-US")],
    [`Idle CPU of the gateway, no jobs (${result.idleSeconds} s)`, `${result.emptyCpuPercent.toFixed(2)} % of a core`],
    [`Idle CPU of the gateway, 10,000 jobs loaded, none due (${result.idleSeconds} s)`, `${result.idleCpuPercent.toFixed(2)} % of a core`],
    [`CPU while one job fires per second (${result.firingSeconds} s)`, `${result.firingCpuPercent.toFixed(2)} % of a core`],
    ["Runs measured", String(result.fired)],
    ["Fire lag p50 / p99 (due → run start)", `${result.lagP50Ms.toFixed(0)} ms / ${result.lagP99Ms.toFixed(0)} ms`],
    ["Memory held per 1,000 jobs (RSS / JS heap)", `${kb(result.rssPerThousandBytes)} / ${kb(result.heapPerThousandBytes)}`],
  ];
  if (format === "text") return `\nJobs\n${rows.map(([name, value]) => `  ${name}: ${value}`).join("\n")}\n`;
  return `\n### Jobs: ${result.jobCount.toLocaleString("en-US")} repeating jobs, one due per second\n\n| Figure | Value |\n|---|---:|\n${rows.map(([name, value]) => `| ${name} | ${value} |`).join("\n")}\n`;
}

if (import.meta.main) {
  measureJobs().then(
    (result) => process.stdout.write(renderJobs(result, process.argv.includes("--markdown") ? "markdown" : "text")),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
