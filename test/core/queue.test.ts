import { describe, expect, it } from "vitest";
import { createLocalLocks, createRunningRuns, isShutdownAbort, ShutdownAbort } from "../../core/queue.ts";

describe("conversation locks (one process)", () => {
  it("lets one drainer hold a conversation at a time, and the next one in after release", async () => {
    const locks = createLocalLocks();
    expect(await locks.tryAcquire("fake:c1")).toBe(true);
    expect(await locks.tryAcquire("fake:c1")).toBe(false);
    expect(await locks.tryAcquire("fake:c2")).toBe(true);
    await locks.release("fake:c1");
    expect(await locks.tryAcquire("fake:c1")).toBe(true);
  });
});

describe("running runs", () => {
  it("stops the conversation's run at once, and knows when none runs", () => {
    const runs = createRunningRuns();
    const controller = runs.begin("fake:c1");
    expect(runs.isRunning("fake:c1")).toBe(true);
    expect(runs.stop("fake:c1")).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    expect(isShutdownAbort(controller.signal)).toBe(false);
    runs.end("fake:c1", controller);
    expect(runs.isRunning("fake:c1")).toBe(false);
    expect(runs.stop("fake:c1")).toBe(false);
  });

  it("keeps a newer run when an older one of the conversation ends late", () => {
    const runs = createRunningRuns();
    const older = runs.begin("fake:c1");
    const newer = runs.begin("fake:c1");
    runs.end("fake:c1", older);
    expect(runs.isRunning("fake:c1")).toBe(true);
    runs.stop("fake:c1");
    expect(newer.signal.aborted).toBe(true);
  });

  it("aborts every run on shutdown with a reason that says so", () => {
    const runs = createRunningRuns();
    const first = runs.begin("fake:c1");
    const second = runs.begin("fake:c2");
    runs.stopAll(new ShutdownAbort());
    expect([first, second].map((controller) => isShutdownAbort(controller.signal))).toEqual([true, true]);
  });
});
