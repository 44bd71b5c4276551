import type { ConversationRef } from "../types/conversation.ts";

/**
 * When a job runs. `once`: at `at` (`/in`, `/at`, `/bg`); `every`: each `intervalMs` after the previous due
 * time; `cron`: a 5-field expression read in the job's time zone; `hook`: only when its webhook is called.
 */
export type JobSchedule =
  | { type: "once"; at: number }
  | { type: "every"; intervalMs: number }
  | { type: "cron"; expr: string }
  | { type: "hook" };

/** active (has a next run) → finished (a one-off that ran); paused and cancelled by the user or an admin. */
export type JobState = "active" | "paused" | "finished" | "cancelled";

/** How a run ended: sent, parked until the user writes (the platform allows no unsolicited message), failed, skipped. */
export type JobOutcome = "delivered" | "parked" | "failed" | "skipped";

export interface JobRunResult {
  dueAt: number;
  endedAt: number;
  outcome: JobOutcome;
  /** Why, for failed and skipped runs ("daily cap reached"). */
  detail: string | undefined;
}

export interface JobRecord {
  /** Short, like approval ids: what `/cancel <id>` takes. */
  id: string;
  /** Where the answer goes. */
  conversation: ConversationRef;
  /** Who created it: the job runs as this user (`platform:userId`). */
  creatorRef: string;
  creatorName: string;
  prompt: string;
  schedule: JobSchedule;
  /** The IANA zone `/at` and `/cron` were read in, and `/jobs` shows times in. */
  timezone: string;
  state: JobState;
  nextRunAt: number | undefined;
  /** Runs in the background now (`/bg`): the answer mentions the asker in a group. */
  isBackground: boolean;
  /** The sha256 of the job's webhook secret, shown once at creation. */
  secretHash: string | undefined;
  createdAt: number;
  lastRun: JobRunResult | undefined;
  runCount: number;
}

/** A due run taken by one worker until `claimedUntil`. `attempt` 2 and more: an earlier claim of the same run died. */
export interface JobClaim {
  job: JobRecord;
  dueAt: number;
  attempt: number;
  claimedUntil: number;
}

export interface JobFilter {
  conversationKey?: string;
  creatorRef?: string;
}

/**
 * Scheduled jobs. The store is the truth: every process finds the same due runs, and a run is claimed by one
 * conditional write with a lease, so a crashed worker's run is claimed again (once) when its lease is over.
 */
export interface JobStore {
  create(job: JobRecord): Promise<void>;
  get(id: string): Promise<JobRecord | undefined>;
  /** Active and paused jobs (and the last finished ones), oldest first; all of them without a filter. */
  list(filter: JobFilter): Promise<JobRecord[]>;
  /** Active and paused scheduled jobs of a user (what `PINCER_MAX_JOBS_PER_USER` counts); a `/bg` run in flight is not one. */
  countOpen(creatorRef: string): Promise<number>;
  /**
   * Pauses, resumes (with its next run) or cancels a job; false when it is finished or cancelled already.
   * A run in progress finishes, but its job does not run again.
   */
  setState(id: string, state: "active" | "paused" | "cancelled", nextRunAt: number | undefined, now: number): Promise<boolean>;
  /** When the scheduler must look next: the earliest due run or the end of a claim's lease; undefined when none. */
  nextWakeAt(): Promise<number | undefined>;
  /** Claims up to `limit` due runs (due now, or claimed by a worker whose lease ended), each in one conditional write. */
  claimDue(now: number, leaseMs: number, limit: number): Promise<JobClaim[]>;
  /** Extends the claim of a run still going; false when it is no longer this run's claim. */
  renew(id: string, dueAt: number, claimedUntil: number): Promise<boolean>;
  /**
   * Ends the claimed run: records its result, and moves the job to `nextRunAt` (finished when undefined).
   * False when the claim was no longer this run's (then nothing changes).
   */
  finish(id: string, dueAt: number, result: JobRunResult, nextRunAt: number | undefined): Promise<boolean>;
  /** After a restart of the only process on this store: no claim is held by anyone alive. */
  releaseClaims(): Promise<number>;
  /** The store's clock in epoch ms where several processes share it (PostgreSQL: the database's); absent otherwise. */
  clockMs?(): Promise<number>;
  /** The user's time zone (`/tz`), if they set one. */
  timezone(userRef: string): Promise<string | undefined>;
  setTimezone(userRef: string, timezone: string, now: number): Promise<void>;
}
