import { describe, expect, it } from "vitest";
import { storeClock } from "../../../core/jobs/clock.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { JobStore } from "../../../core/store/store.ts";
import { silentLogger } from "../../support/recording-logger.ts";

describe("the clock the scheduler reads", () => {
  it("follows the shared store's clock when this machine's is an hour behind", async () => {
    const store = createSqliteStore(":memory:");
    try {
      const hourMs = 3_600_000;
      const shared: JobStore = { ...store.jobs, clockMs: async () => Date.now() + hourMs };
      const clock = await storeClock(shared, silentLogger);
      try {
        expect(Math.abs(clock.now() - (Date.now() + hourMs))).toBeLessThan(1000);
      } finally {
        clock.stop();
      }
    } finally {
      store.close();
    }
  });

  it("is the local clock on a store with one process", async () => {
    const store = createSqliteStore(":memory:");
    try {
      const clock = await storeClock(store.jobs, silentLogger);
      expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
      clock.stop();
    } finally {
      store.close();
    }
  });
});
