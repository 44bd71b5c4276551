import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, type Scheduler } from "../../../core/jobs/scheduler.ts";
import { createMetrics } from "../../../core/metrics.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { JobClaim, JobRecord, JobStore, Store } from "../../../core/store/store.ts";
import { directChat } from "../fixtures.ts";
import { silentLogger } from "../../support/recording-logger.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let store: Store | undefined;
let scheduler: Scheduler | undefined;
afterEach(async () => {
  await scheduler?.stop();
  store?.close();
  scheduler = undefined;
  store = undefined;
});

function job(id: string, overrides: Partial<JobRecord>): JobRecord {
  return {
    id, conversation: directChat, creatorRef: "telegram:u1", creatorName: "Ann", prompt: "p", schedule: { type: "once", at: 0 }, timezone: "UTC",
    state: "active", nextRunAt: 0, isBackground: false, secretHash: undefined, createdAt: 0, lastRun: undefined, runCount: 0, ...overrides,
  };
}

/** The store's jobs, counting how often the scheduler asks for due runs. */
function counting(jobs: JobStore) {
  const counts = { claimDue: 0, nextWakeAt: 0 };
  const wrapped: JobStore = {
    ...jobs,
    claimDue: (...args) => ((counts.claimDue += 1), jobs.claimDue(...args)),
    nextWakeAt: () => ((counts.nextWakeAt += 1), jobs.nextWakeAt()),
  };
  return { wrapped, counts };
}

describe("the job scheduler", () => {
  it("sleeps until the next due run (no polling) and fires it within a second", async () => {
    store = createSqliteStore(":memory:");
    const dueAt = Date.now() + 1500;
    await store.jobs.create(job("ab3cd", { schedule: { type: "once", at: dueAt }, nextRunAt: dueAt }));
    const { wrapped, counts } = counting(store.jobs);
    const fired: number[] = [];
    scheduler = createScheduler({
      jobs: wrapped, metrics: createMetrics(async () => 0), logger: silentLogger,
      run: async (claim) => {
        fired.push(Date.now());
        return { dueAt: claim.dueAt, endedAt: Date.now(), outcome: "delivered", detail: undefined };
      },
    });
    scheduler.start();
    await sleep(1200);
    expect(counts.claimDue).toBe(1); // the look at start; then one timer
    expect(fired).toEqual([]);
    await sleep(800);
    expect(fired).toHaveLength(1);
    expect(fired[0]! - dueAt).toBeGreaterThanOrEqual(0);
    expect(fired[0]! - dueAt).toBeLessThan(1000);
    await scheduler.idle();
    expect(await store.jobs.get("ab3cd")).toMatchObject({ state: "finished", lastRun: { outcome: "delivered" } });
  });

  it("never stacks a repeating job: runs due while one goes on are skipped, and the next starts after it", async () => {
    store = createSqliteStore(":memory:");
    const start = Date.now() + 50;
    await store.jobs.create(job("ab3cd", { schedule: { type: "every", intervalMs: 100 }, nextRunAt: start }));
    const metrics = createMetrics(async () => 0);
    const runs: { claim: JobClaim; startedAt: number; endedAt: number }[] = [];
    let going = 0;
    let mostAtOnce = 0;
    scheduler = createScheduler({
      jobs: store.jobs, metrics, logger: silentLogger,
      run: async (claim) => {
        going += 1;
        mostAtOnce = Math.max(mostAtOnce, going);
        const startedAt = Date.now();
        await sleep(350);
        going -= 1;
        runs.push({ claim, startedAt, endedAt: Date.now() });
        return { dueAt: claim.dueAt, endedAt: Date.now(), outcome: "delivered", detail: undefined };
      },
    });
    scheduler.start();
    await sleep(1000);
    await scheduler.stop(2000);
    expect(mostAtOnce).toBe(1);
    expect(runs.length).toBeGreaterThanOrEqual(2);
    for (let index = 1; index < runs.length; index += 1) {
      expect(runs[index]!.startedAt).toBeGreaterThanOrEqual(runs[index - 1]!.endedAt);
      expect((runs[index]!.claim.dueAt - start) % 100).toBe(0);
    }
    const text = await metrics.registry.metrics();
    expect(Number(/pincer_job_runs_total\{outcome="skipped"\} (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(3 * (runs.length - 1));
  });

  it("runs a backlog (after downtime) a few at a time, every run once", async () => {
    store = createSqliteStore(":memory:");
    const dueAt = Date.now() - 1000;
    for (let index = 0; index < 30; index += 1) await store.jobs.create(job(`job${index.toString().padStart(2, "0")}`, { nextRunAt: dueAt + index }));
    const ran: string[] = [];
    let going = 0;
    let mostAtOnce = 0;
    scheduler = createScheduler({
      jobs: store.jobs, metrics: createMetrics(async () => 0), logger: silentLogger, maxRunning: 4,
      run: async (claim) => {
        going += 1;
        mostAtOnce = Math.max(mostAtOnce, going);
        await sleep(30);
        going -= 1;
        ran.push(claim.job.id);
        return { dueAt: claim.dueAt, endedAt: Date.now(), outcome: "delivered", detail: undefined };
      },
    });
    scheduler.start();
    for (let tries = 0; ran.length < 30 && tries < 200; tries += 1) await sleep(20);
    await scheduler.idle();
    expect(mostAtOnce).toBeLessThanOrEqual(4);
    expect(ran.sort()).toEqual(Array.from({ length: 30 }, (_, index) => `job${index.toString().padStart(2, "0")}`));
  });
});
