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

/** The scheduler's dependencies with the defaults filled in, and its state. */
interface SchedulerContext {
  deps: SchedulerDeps;
  jobs: JobStore;
  metrics: Metrics;
  logger: Logger;
  now: () => number;
  leaseMs: number;
  maxSleepMs: number;
  batch: number;
  maxRunning: number;
  running: Map<string, { controller: AbortController; done: Promise<void> }>;
  timer: NodeJS.Timeout | undefined;
  pumping: Promise<void>;
  isStarted: boolean;
  isStopped: boolean;
}

/** Records how a run ended and moves its job on to the next run (or none). */
async function finish(ctx: SchedulerContext, claim: JobClaim, ended: JobRunEnd): Promise<void> {
  const { jobs, metrics, logger } = ctx;
  const { job, dueAt } = claim;
  const next = ended.stopsJob ? undefined : nextRunAfter(job.schedule, job.timezone, dueAt, ctx.now());
  const skipped = skippedBetween(job.schedule, dueAt, next);
  const { stopsJob: _stopsJob, ...result } = ended;
  metrics.jobRuns.inc({ outcome: result.outcome });
  if (skipped > 0) {
    // A repeat never stacks: the runs that fell due while this one went on are skipped, and counted.
    metrics.jobRuns.inc({ outcome: "skipped" }, skipped);
    logger.info({ job: job.id, skipped }, "job runs skipped: the previous run was still going");
  }
  if (!(await jobs.finish(job.id, dueAt, result, next))) logger.warn({ job: job.id, dueAt }, "job run finished after its claim was taken over");
}

/** Starts one claimed run, renewing its claim until it ends. */
function launch(ctx: SchedulerContext, claim: JobClaim): void {
  const { jobs, logger, now, leaseMs, running } = ctx;
  const key = `${claim.job.id}:${claim.dueAt}`;
  if (running.has(key)) return;
  if (claim.attempt === 1) ctx.metrics.jobFireLagSeconds.observe(Math.max(0, now() - claim.dueAt) / 1000);
  const controller = new AbortController();
  const renewal = setInterval(() => {
    jobs.renew(claim.job.id, claim.dueAt, now() + leaseMs).catch((error: unknown) => logger.warn({ err: error, job: claim.job.id }, "job claim renewal failed"));
  }, Math.max(50, Math.floor(leaseMs / 3)));
  renewal.unref();
  const done = (async () => {
    try {
      const ended = await ctx.deps.run(claim, controller.signal);
      if (ended) await finish(ctx, claim, ended);
    } catch (error) {
      logger.error({ err: error, job: claim.job.id }, "job run failed unexpectedly");
      const failed: JobRunEnd = { dueAt: claim.dueAt, endedAt: now(), outcome: "failed", detail: "internal error" };
      await finish(ctx, claim, failed).catch((finishError: unknown) => logger.error({ err: finishError }, "job run could not be recorded"));
    } finally {
      clearInterval(renewal);
      running.delete(key);
      wake(ctx);
    }
  })();
  running.set(key, { controller, done });
}

/** Sets the timer to the store's next due run, or the longest sleep. */
async function arm(ctx: SchedulerContext): Promise<void> {
  if (ctx.timer) clearTimeout(ctx.timer);
  ctx.timer = undefined;
  if (ctx.isStopped) return;
  const at = await ctx.jobs.nextWakeAt();
  if (ctx.isStopped) return;
  const delayMs = at === undefined ? ctx.maxSleepMs : Math.min(Math.max(0, at - ctx.now()), ctx.maxSleepMs);
  ctx.timer = setTimeout(() => wake(ctx), delayMs);
  ctx.timer.unref();
}

/** Claims what is due while there is room, then sets the timer. */
async function pump(ctx: SchedulerContext): Promise<void> {
  if (ctx.isStopped) return;
  try {
    for (;;) {
      const room = Math.min(ctx.batch, ctx.maxRunning - ctx.running.size);
      if (room <= 0) return; // a run's end looks again
      const claims = await ctx.jobs.claimDue(ctx.now(), ctx.leaseMs, room);
      for (const claim of claims) launch(ctx, claim);
      if (claims.length < room || ctx.isStopped) break;
    }
  } catch (error) {
    ctx.logger.error({ err: error }, "claiming due jobs failed");
  }
  await arm(ctx).catch((error: unknown) => ctx.logger.error({ err: error }, "job timer could not be set"));
}

/** One look at a time: wakes that come while one is going are served by the next. */
function wake(ctx: SchedulerContext): void {
  if (!ctx.isStarted || ctx.isStopped) return;
  ctx.pumping = ctx.pumping.then(() => pump(ctx));
}

async function stop(ctx: SchedulerContext, graceMs: number): Promise<void> {
  ctx.isStopped = true;
  if (ctx.timer) clearTimeout(ctx.timer);
  await ctx.pumping;
  const all = () => Promise.all([...ctx.running.values()].map((each) => each.done));
  let graceTimer: NodeJS.Timeout | undefined;
  const isIdle = await Promise.race([
    all().then(() => true),
    new Promise<boolean>((resolve) => {
      graceTimer = setTimeout(() => resolve(false), graceMs);
    }),
  ]);
  clearTimeout(graceTimer);
  if (!isIdle) for (const each of ctx.running.values()) each.controller.abort(new ShutdownAbort());
  await all();
}

/**
 * One timer, set to the store's next due run (no polling): it claims what is due, runs each claimed run
 * without holding the chat's lease, renews the claim while the run goes on, and then moves the job on.
 */
export function createScheduler(deps: SchedulerDeps): Scheduler {
  const ctx: SchedulerContext = {
    deps,
    jobs: deps.jobs,
    metrics: deps.metrics,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    leaseMs: deps.leaseMs ?? 60_000,
    maxSleepMs: Math.min(deps.maxSleepMs ?? 60_000, maxDelayMs),
    batch: deps.batch ?? 20,
    maxRunning: deps.maxRunning ?? 16,
    running: new Map(),
    timer: undefined,
    pumping: Promise.resolve(),
    isStarted: false,
    isStopped: false,
  };
  return {
    start() {
      ctx.isStarted = true;
      wake(ctx);
    },
    wake: () => wake(ctx),
    stop: (graceMs = 0) => stop(ctx, graceMs),
    async idle() {
      await ctx.pumping;
      while (ctx.running.size > 0) await Promise.all([...ctx.running.values()].map((each) => each.done));
    },
  };
}
