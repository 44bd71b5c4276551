import type { LoadClient } from "./client-link.ts";
import type { LoadLimits, LoadPlan, LoadResult, Target } from "./load-client.ts";

/** What one server did under load: the client's view, and the bench process's CPU (the server side). */
export interface ServerRun {
  name: string;
  load: LoadResult;
  serverCpuMs: number;
  /** Messages per second of each round pooled into this run. */
  roundRates: number[];
}

export const messagesPerSecond = (load: LoadResult) => (load.completedCount / load.durationMs) * 1000;

/** One load run, with this process's CPU measured around it; `settle` waits for work left after the last reply. */
export async function measureRun(
  client: LoadClient,
  target: Target,
  plan: LoadPlan,
  tag: string,
  limits: LoadLimits,
  settle: () => Promise<void> = async () => undefined,
): Promise<ServerRun> {
  const before = process.cpuUsage();
  const load = await client.run(target, plan, tag, limits);
  await settle();
  const cpu = process.cpuUsage(before);
  return { name: target.name, load, serverCpuMs: (cpu.user + cpu.system) / 1000, roundRates: [messagesPerSecond(load)] };
}

/** Several rounds as one run: counts, durations and CPU add up, latencies are pooled. */
export function poolRuns(runs: readonly ServerRun[]): ServerRun {
  const [first, ...rest] = runs;
  if (!first) throw new Error("no runs to pool");
  return rest.reduce<ServerRun>(
    (pooled, run) => ({
      name: pooled.name,
      serverCpuMs: pooled.serverCpuMs + run.serverCpuMs,
      roundRates: [...pooled.roundRates, ...run.roundRates],
      load: {
        sentCount: pooled.load.sentCount + run.load.sentCount,
        completedCount: pooled.load.completedCount + run.load.completedCount,
        failedCount: pooled.load.failedCount + run.load.failedCount,
        replyFrameCount: pooled.load.replyFrameCount + run.load.replyFrameCount,
        durationMs: pooled.load.durationMs + run.load.durationMs,
        latenciesMs: [...pooled.load.latenciesMs, ...run.load.latenciesMs],
        firstError: pooled.load.firstError ?? run.load.firstError,
        failedIds: [...pooled.load.failedIds, ...run.load.failedIds].slice(0, 5),
        clientCpuMs: pooled.load.clientCpuMs + run.load.clientCpuMs,
        machineCpuMs: pooled.load.machineCpuMs + run.load.machineCpuMs,
      },
    }),
    first,
  );
}
