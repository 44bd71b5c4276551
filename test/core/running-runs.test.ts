import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createRunningRuns, isShutdownAbort, ShutdownAbort, type RunningRuns } from "../../core/queue.ts";
import { createLocalBroadcast, type Broadcast } from "../../core/store/broadcast.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import { silentLogger } from "../support/recording-logger.ts";

let store: Store;
let runs: RunningRuns;
beforeEach(() => {
  store = createSqliteStore(":memory:");
  runs = createRunningRuns({ leases: store.leases, holder: "here", logger: silentLogger });
});
afterEach(() => store.close());

describe("running runs in one process", () => {
  it("stops the conversation's run at once, and knows when none runs", async () => {
    const controller = runs.begin("fake:c1");
    expect(await runs.isRunning("fake:c1")).toBe(true);
    expect(await runs.stop("fake:c1")).toBe(true);
    expect(controller.signal.aborted).toBe(true);
    expect(isShutdownAbort(controller.signal)).toBe(false);
    runs.end("fake:c1", controller);
    expect(await runs.isRunning("fake:c1")).toBe(false);
    expect(await runs.stop("fake:c1")).toBe(false);
  });

  it("keeps a newer run when an older one of the conversation ends late", async () => {
    const older = runs.begin("fake:c1");
    const newer = runs.begin("fake:c1");
    runs.end("fake:c1", older);
    expect(await runs.isRunning("fake:c1")).toBe(true);
    await runs.stop("fake:c1");
    expect(newer.signal.aborted).toBe(true);
    runs.end("fake:c1", newer);
  });

  it("aborts every run on shutdown with a reason that says so", () => {
    const first = runs.begin("fake:c1");
    const second = runs.begin("fake:c2");
    runs.stopAll(new ShutdownAbort());
    expect([first, second].map((controller) => isShutdownAbort(controller.signal))).toEqual([true, true]);
    runs.end("fake:c1", first);
    runs.end("fake:c2", second);
  });
});

describe("running runs on a broadcast", () => {
  it("listen for stops from other processes only while a run goes", () => {
    const local = createLocalBroadcast();
    let subscribers = 0;
    const broadcast: Broadcast = {
      ...local,
      subscribe(topic, handler) {
        subscribers += 1;
        const unsubscribe = local.subscribe(topic, handler);
        return () => {
          subscribers -= 1;
          unsubscribe();
        };
      },
    };
    const listening = createRunningRuns({ leases: store.leases, holder: "here", broadcast, logger: silentLogger });
    expect(subscribers).toBe(0);
    const first = listening.begin("fake:c1");
    const second = listening.begin("fake:c2");
    expect(subscribers).toBe(1);
    listening.end("fake:c1", first);
    expect(subscribers).toBe(1);
    listening.end("fake:c2", second);
    expect(subscribers).toBe(0);
  });
});
