import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLeaseLocks, createRunningRuns, isShutdownAbort, LeaseLost } from "../../core/queue.ts";
import { createLocalBroadcast } from "../../core/store/broadcast.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import { eventually } from "../support/eventually.ts";
import { silentLogger } from "../support/recording-logger.ts";

let dir: string;
let here: Store;
/** The same store opened by "another gateway process". */
let there: Store;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pincer-queue-"));
  here = createSqliteStore(dir);
  there = createSqliteStore(dir);
});
afterEach(() => {
  here.close();
  there.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("conversation locks", () => {
  it("let one drain per conversation run, in this process and across processes", async () => {
    const locks = createLeaseLocks({ leases: here.leases, turns: here.turns, holder: "a", logger: silentLogger });
    const elsewhere = createLeaseLocks({ leases: there.leases, turns: there.turns, holder: "b", logger: silentLogger });
    const [first, second] = await Promise.all([locks.tryAcquire("web:1"), locks.tryAcquire("web:1")]);
    expect([first, second].map(Boolean).sort()).toEqual([false, true]);
    expect(await elsewhere.tryAcquire("web:1")).toBeUndefined();
    await locks.release("web:1");
    expect(await elsewhere.tryAcquire("web:1")).toBeDefined();
    expect(await locks.tryAcquire("web:1")).toBeUndefined();
    await elsewhere.release("web:1");
  });

  it("keep a lease alive past its term while the drain goes on", async () => {
    const locks = createLeaseLocks({ leases: here.leases, turns: here.turns, holder: "a", leaseMs: 90, logger: silentLogger });
    expect(await locks.tryAcquire("web:1")).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await there.leases.acquire("web:1", "b", 10_000)).toBe(false);
    await locks.release("web:1");
    expect(await there.leases.acquire("web:1", "b", 10_000)).toBe(true);
  });
});

describe("a conversation's lease lost while held", () => {
  it("says so when a renewal finds another holder", async () => {
    const locks = createLeaseLocks({ leases: here.leases, turns: here.turns, holder: "a", leaseMs: 90, logger: silentLogger });
    expect(await locks.tryAcquire("web:1")).toBeDefined();
    const lost = locks.lost!("web:1")!;
    expect(lost.aborted).toBe(false);
    // Another process took the conversation (as if the lease had run out meanwhile).
    await here.leases.release("web:1", "a");
    expect(await there.leases.acquire("web:1", "b", 10_000)).toBe(true);
    await eventually(() => lost.aborted);
    expect(lost.reason).toBeInstanceOf(LeaseLost);
    expect(isShutdownAbort(lost)).toBe(true);
    await locks.release("web:1");
    expect(await there.leases.holder("web:1")).toBe("b");
  });

  it("says so when no renewal gets through within the term, and not after a release", async () => {
    const stalled = { ...here.leases, renew: () => new Promise<boolean>(() => {}) };
    const locks = createLeaseLocks({ leases: stalled, turns: here.turns, holder: "a", leaseMs: 60, logger: silentLogger });
    expect(await locks.tryAcquire("web:1")).toBeDefined();
    const lost = locks.lost!("web:1")!;
    await eventually(() => lost.aborted);
    await locks.release("web:1");
    expect(await locks.tryAcquire("web:2")).toBeDefined();
    const other = locks.lost!("web:2")!;
    await locks.release("web:2");
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(other.aborted).toBe(false);
  });
});

describe("running runs", () => {
  it("stop a run of this process at once", async () => {
    const runs = createRunningRuns({ leases: here.leases, holder: "a", logger: silentLogger });
    const controller = runs.begin("web:1");
    expect(await runs.isRunning("web:1")).toBe(true);
    expect(await runs.stop("web:1")).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    runs.end("web:1", controller);
    expect(await runs.stop("web:1")).toBe(false);
  });

  it("stop a run that another process holds, through the store", async () => {
    const locks = createLeaseLocks({ leases: here.leases, turns: here.turns, holder: "a", logger: silentLogger });
    const runs = createRunningRuns({ leases: here.leases, holder: "a", pollMs: 20, logger: silentLogger });
    const otherRuns = createRunningRuns({ leases: there.leases, holder: "b", logger: silentLogger });
    expect(await otherRuns.stop("web:1")).toBe(false);
    await locks.tryAcquire("web:1");
    const controller = runs.begin("web:1");
    expect(await otherRuns.isRunning("web:1")).toBe(true);
    expect(await otherRuns.stop("web:1")).toBe(true);
    await eventually(() => controller.signal.aborted);
    runs.end("web:1", controller);
    await locks.release("web:1");
    expect(await otherRuns.isRunning("web:1")).toBe(false);
  });

  it("stop a run that another process holds at once when the processes share a broadcast, long before the next poll", async () => {
    const broadcast = createLocalBroadcast();
    const locks = createLeaseLocks({ leases: here.leases, turns: here.turns, holder: "a", logger: silentLogger });
    const runs = createRunningRuns({ leases: here.leases, holder: "a", broadcast, pollMs: 60_000, logger: silentLogger });
    const otherRuns = createRunningRuns({ leases: there.leases, holder: "b", broadcast, pollMs: 60_000, logger: silentLogger });
    await locks.tryAcquire("web:1");
    const controller = runs.begin("web:1");
    expect(await otherRuns.stop("web:1")).toBe(true);
    await eventually(() => controller.signal.aborted, 1000);
    runs.end("web:1", controller);
    // The stop was taken with the notice: the next run of the conversation under the same lease is not stopped by it.
    const next = runs.begin("web:1");
    expect(await here.leases.takeStops("a")).toEqual([]);
    runs.end("web:1", next);
    await locks.release("web:1");
  });
});
