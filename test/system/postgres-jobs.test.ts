import { afterEach, describe, expect, it } from "vitest";
import { createScheduler, type Scheduler } from "../../core/jobs/scheduler.ts";
import { createMetrics } from "../../core/metrics.ts";
import type { JobClaim, JobRecord, Store } from "../../core/store/store.ts";
import { directChat } from "../core/fixtures.ts";
import { silentLogger } from "../support/recording-logger.ts";
import { postgresFactory, skipReason, testDatabaseUrl } from "../support/postgres.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function job(id: string, dueAt: number, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id, conversation: directChat, creatorRef: "telegram:u1", creatorName: "Ann", prompt: "p", schedule: { type: "once", at: dueAt }, timezone: "UTC",
    state: "active", nextRunAt: dueAt, isBackground: false, secretHash: undefined, createdAt: dueAt - 1000, lastRun: undefined, runCount: 0, ...overrides,
  };
}

/** Three "processes": a scheduler each, on its own pool, all on one PostgreSQL schema. */
describe.skipIf(!testDatabaseUrl)("scheduled jobs on one PostgreSQL store shared by three processes", () => {
  const factory = postgresFactory(testDatabaseUrl ?? "");
  const schedulers: Scheduler[] = [];
  afterEach(async () => {
    for (const scheduler of schedulers.splice(0)) await scheduler.stop();
    await factory.cleanup();
  });

  const start = (store: Store, name: string, runs: { name: string; claim: JobClaim }[], leaseMs: number, hang = false) => {
    const scheduler = createScheduler({
      jobs: store.jobs, metrics: createMetrics(async () => 0), logger: silentLogger, leaseMs, maxSleepMs: 100,
      run: async (claim, signal) => {
        runs.push({ name, claim });
        if (hang) await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
        return hang ? undefined : { dueAt: claim.dueAt, endedAt: Date.now(), outcome: "delivered", detail: undefined };
      },
    });
    schedulers.push(scheduler);
    scheduler.start();
    return scheduler;
  };

  it("tells the database's clock, which the schedulers of all processes read", async () => {
    const store = await factory.open();
    const before = Date.now();
    const databaseNow = await store.jobs.clockMs!();
    expect(databaseNow).toBeGreaterThanOrEqual(before - 1000);
    expect(databaseNow).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("fires each due run once across the three", async () => {
    const stores = [await factory.open(), await factory.openAnother(), await factory.openAnother()];
    const dueAt = Date.now() + 300;
    for (const id of ["ab3cd", "ef4gh", "jk5mn", "pq6rs"]) await stores[0]!.jobs.create(job(id, dueAt));
    const runs: { name: string; claim: JobClaim }[] = [];
    stores.forEach((store, index) => start(store, `p${index}`, runs, 5_000));
    await sleep(1200);
    for (const scheduler of schedulers) await scheduler.idle();
    expect(runs.map((run) => run.claim.job.id).sort()).toEqual(["ab3cd", "ef4gh", "jk5mn", "pq6rs"]);
    for (const id of ["ab3cd", "ef4gh", "jk5mn", "pq6rs"]) expect(await stores[1]!.jobs.get(id)).toMatchObject({ state: "finished", runCount: 1 });
  }, 30_000);

  it("runs a dead process's claimed run again once its lease is over, on one of the others only", async () => {
    const stores = [await factory.open(), await factory.openAnother(), await factory.openAnother()];
    await stores[0]!.jobs.create(job("ab3cd", Date.now()));
    const runs: { name: string; claim: JobClaim }[] = [];
    const leaseMs = 800;
    // The first process claims the run and dies mid-run: its claim is never renewed or finished.
    const dying = start(stores[0]!, "p0", runs, leaseMs, true);
    while (runs.length === 0) await sleep(20);
    await dying.stop(0);
    const diedAt = Date.now();
    start(stores[1]!, "p1", runs, leaseMs);
    start(stores[2]!, "p2", runs, leaseMs);
    // Not before the claim's lease is over (the contract suites check that boundary exactly), then once.
    await sleep(leaseMs + 700 - (Date.now() - diedAt));
    for (const scheduler of schedulers) await scheduler.idle();
    expect(runs.map((run) => [run.name, run.claim.attempt])).toEqual([["p0", 1], [expect.stringMatching(/^p[12]$/), 2]]);
    expect(await stores[2]!.jobs.get("ab3cd")).toMatchObject({ state: "finished", runCount: 1, lastRun: { outcome: "delivered" } });
  }, 30_000);
});

describe.skipIf(testDatabaseUrl)("scheduled jobs on one PostgreSQL store shared by three processes", () => {
  it.skip(skipReason, () => {});
});
