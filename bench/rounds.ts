import type { LoadClient } from "./client-link.ts";
import { processCount, type LoadLimits, type LoadPlan, type Target } from "./load-client.ts";
import { measureRun, poolRuns, type ServerRun } from "./server-run.ts";

export interface RoundsPlan {
  closed: Extract<LoadPlan, { type: "closed" }>;
  /** Warm-up messages per server process: a setup of several processes warms each one (V8 compiles per process). */
  warmupCount: number;
  roundCount: number;
  limits: LoadLimits;
}

/**
 * A warm-up per server, then closed-loop rounds alternating between the servers (a slow spell of a
 * shared machine then hits every server alike), pooled per server. Runs are tagged `${key}-w` and
 * `${key}-${round}`. `settle[key]` waits for a server's work left after the last reply; `afterWarmup` runs between
 * the warm-ups and the first round.
 */
export async function runRounds<Key extends string>(
  client: LoadClient,
  targets: Record<Key, Target>,
  plan: RoundsPlan,
  settle: Partial<Record<Key, () => Promise<void>>>,
  log: (line: string) => void,
  afterWarmup: () => Promise<void> = async () => undefined,
): Promise<Record<Key, ServerRun>> {
  const keys = Object.keys(targets) as Key[];
  for (const key of keys) {
    log(`warm-up: ${targets[key].name}`);
    const warmupPlan: LoadPlan = { ...plan.closed, messageCount: plan.warmupCount * processCount(targets[key]) };
    if (plan.warmupCount > 0) await client.run(targets[key], warmupPlan, `${key}-w`, plan.limits);
  }
  await afterWarmup();
  const rounds = new Map<Key, ServerRun[]>(keys.map((key) => [key, []]));
  for (let round = 0; round < plan.roundCount; round += 1) {
    for (const key of keys) {
      log(`closed loop, round ${round + 1}/${plan.roundCount}: ${targets[key].name}`);
      rounds.get(key)!.push(await measureRun(client, targets[key], plan.closed, `${key}-${round}`, plan.limits, settle[key]));
    }
  }
  return Object.fromEntries(keys.map((key) => [key, poolRuns(rounds.get(key)!)])) as Record<Key, ServerRun>;
}
