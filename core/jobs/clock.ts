import type { JobStore } from "../store/jobs.ts";
import type { Logger } from "../types/logger.ts";

export interface StoreClock {
  /** The store's time now, in epoch ms: the local clock moved by the last measured offset. */
  now(): number;
  stop(): void;
}

/**
 * The clock the scheduler and the delivery read on a store several processes share: the database's, so that every
 * process agrees on when a job is due and when a dead worker's claim (a job's run, a reply part being sent) ran out,
 * whatever their own clocks say. The offset is measured
 * at start (half the round trip is the error) and again every `refreshMs`; a store with one process keeps the local clock.
 */
export async function storeClock(jobs: JobStore, logger: Logger, refreshMs = 60_000): Promise<StoreClock> {
  const clockMs = jobs.clockMs?.bind(jobs);
  if (!clockMs) return { now: Date.now, stop: () => {} };
  let offsetMs = 0;
  const measure = async () => {
    const sentAt = Date.now();
    const storeNow = await clockMs();
    offsetMs = storeNow - Math.round((sentAt + Date.now()) / 2);
  };
  await measure();
  if (Math.abs(offsetMs) > 1000) logger.warn({ offsetMs }, "this machine's clock differs from the database's: jobs and reply claims follow the database's");
  const timer = setInterval(() => void measure().catch((error: unknown) => logger.warn({ err: error }, "reading the database's clock failed")), refreshMs);
  timer.unref();
  return { now: () => Date.now() + offsetMs, stop: () => clearInterval(timer) };
}
