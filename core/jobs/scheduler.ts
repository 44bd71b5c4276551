import { ShutdownAbort } from "../queue.ts";
import type { Metrics } from "../metrics.ts";
import type { JobClaim, JobStore } from "../store/jobs.ts";
import type { Logger } from "../types/logger.ts";
import type { JobRunEnd } from "./run.ts";
import { nextRunAfter, skippedBetween } from "./schedule.ts";

export interface SchedulerDeps {
  jobs: JobStore;
  /** Runs one claimed run; undefined when a shutdown cut it short (its claim is left for the next start). */
  run(claim: JobClaim, signal: AbortSignal): Promise<JobRunEnd | undefined>;
  metrics: Metrics;
  logger: Logger;
  now?: () => number;
  /** How long a claim lasts without renewal (a crashed worker's run is claimed again after it). */
  leaseMs?: number;
  /** The longest the timer sleeps: jobs another process added are seen within it. */
  maxSleepMs?: number;
  /** Runs claimed per look at the store. */
  batch?: number;
  /** Runs going at once in this process; more due ones wait in the store (a backlog after downtime does not stampede). */
  maxRunning?: number;
}

export interface Scheduler {
  start(): void;
  /** Looks at the store again now (a job was added or resumed). */
  wake(): void;
  /** Claims no more; runs going get `graceMs`, then are aborted and left to the next start. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when no run is going (tests). */
  idle(): Promise<void>;
}

/** setTimeout's longest delay. */
const maxDelayMs = 2_147_483_647;

/**
 * One timer, set to the store's next due run (no polling): it claims what is due, runs each claimed run
 * without holding the chat's lease, renews the claim while the run goes on, and then moves the job on.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const { jobs, metrics, logger } = deps;
  const now = deps.now ?? Date.now;
  const leaseMs = deps.leaseMs ?? 60_000;
  const maxSleepMs = Math.min(deps.maxSleepMs ?? 60_000, maxDelayMs);
  const batch = deps.batch ?? 20;
  const maxRunning = deps.maxRunning ?? 16;
  const running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  let timer: NodeJS.Timeout | undefined;
  let pumping: Promise<void> = Promise.resolve();
  let isStarted = false;
  let isStopped = false;

  const finish = async (claim: JobClaim, ended: JobRunEnd) => {
    const { job, dueAt } = claim;
    const next = ended.stopsJob ? undefined : nextRunAfter(job.schedule, job.timezone, dueAt, now());
    const skipped = skippedBetween(job.schedule, dueAt, next);
    const { stopsJob: _stopsJob, ...result } = ended;
    metrics.jobRuns.inc({ outcome: result.outcome });
    if (skipped > 0) {
      // A repeat never stacks: the runs that fell due while this one went on are skipped, and counted.
      metrics.jobRuns.inc({ outcome: "skipped" }, skipped);
      logger.info({ job: job.id, skipped }, "job runs skipped: the previous run was still going");
    }
    if (!(await jobs.finish(job.id, dueAt, result, next))) logger.warn({ job: job.id, dueAt }, "job run finished after its claim was taken over");
  };

  const launch = (claim: JobClaim) => {
    const key = `${claim.job.id}:${claim.dueAt}`;
    if (running.has(key)) return;
    if (claim.attempt === 1) metrics.jobFireLagSeconds.observe(Math.max(0, now() - claim.dueAt) / 1000);
    const controller = new AbortController();
    const renewal = setInterval(() => {
      jobs.renew(claim.job.id, claim.dueAt, now() + leaseMs).catch((error: unknown) => logger.warn({ err: error, job: claim.job.id }, "job claim renewal failed"));
    }, Math.max(50, Math.floor(leaseMs / 3)));
    renewal.unref();
    const done = (async () => {
      try {
        const ended = await deps.run(claim, controller.signal);
        if (ended) await finish(claim, ended);
      } catch (error) {
        logger.error({ err: error, job: claim.job.id }, "job run failed unexpectedly");
        const failed: JobRunEnd = { dueAt: claim.dueAt, endedAt: now(), outcome: "failed", detail: "internal error" };
        await finish(claim, failed).catch((finishError: unknown) => logger.error({ err: finishError }, "job run could not be recorded"));
      } finally {
        clearInterval(renewal);
        running.delete(key);
        wake();
      }
    })();
    running.set(key, { controller, done });
  };

  const arm = async () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (isStopped) return;
    const at = await jobs.nextWakeAt();
    if (isStopped) return;
    const delayMs = at === undefined ? maxSleepMs : Math.min(Math.max(0, at - now()), maxSleepMs);
    timer = setTimeout(wake, delayMs);
    timer.unref();
  };

  const pump = async () => {
    if (isStopped) return;
    try {
      for (;;) {
        const room = Math.min(batch, maxRunning - running.size);
        if (room <= 0) return; // a run's end looks again
        const claims = await jobs.claimDue(now(), leaseMs, room);
        for (const claim of claims) launch(claim);
        if (claims.length < room || isStopped) break;
      }
    } catch (error) {
      logger.error({ err: error }, "claiming due jobs failed");
    }
    await arm().catch((error: unknown) => logger.error({ err: error }, "job timer could not be set"));
  };

  /** One look at a time: wakes that come while one is going are served by the next. */
  function wake(): void {
    if (!isStarted || isStopped) return;
    pumping = pumping.then(pump);
  }

  return {
    start() {
      isStarted = true;
      wake();
    },
    wake,
    async stop(graceMs = 0) {
      isStopped = true;
      if (timer) clearTimeout(timer);
      await pumping;
      const all = () => Promise.all([...running.values()].map((each) => each.done));
      let graceTimer: NodeJS.Timeout | undefined;
      const isIdle = await Promise.race([
        all().then(() => true),
        new Promise<boolean>((resolve) => {
          graceTimer = setTimeout(() => resolve(false), graceMs);
        }),
      ]);
      clearTimeout(graceTimer);
      if (!isIdle) for (const each of running.values()) each.controller.abort(new ShutdownAbort());
      await all();
    },
    async idle() {
      await pumping;
      while (running.size > 0) await Promise.all([...running.values()].map((each) => each.done));
    },
  };
}
