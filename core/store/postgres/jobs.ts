import type pg from "pg";
import { conversationKey } from "../../types/conversation.ts";
import type { JobClaim, JobRecord, JobStore } from "../jobs.ts";
import { toJob, type JobRow } from "../stored-rows.ts";
import { nowMs } from "./database.ts";

/** How many finished one-offs `/jobs` still shows (their outcome), beside the open jobs. */
const finishedShown = 5;
const filtered = "($1::text IS NULL OR conversation_key = $1) AND ($2::text IS NULL OR creator_ref = $2)";

const insertJob = `INSERT INTO jobs (id, conversation, conversation_key, creator_ref, creator_name, prompt, schedule, timezone, state,
    next_run_at, is_background, secret_hash, created_at, last_run, run_count, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $13)`;

const jobValues = (job: JobRecord) => [
  job.id, JSON.stringify(job.conversation), conversationKey(job.conversation), job.creatorRef, job.creatorName, job.prompt,
  JSON.stringify(job.schedule), job.timezone, job.state, job.nextRunAt ?? null, job.isBackground, job.secretHash ?? null,
  job.createdAt, job.lastRun ? JSON.stringify(job.lastRun) : null, job.runCount,
];

// One statement: a run is claimed by exactly one caller, and a claim of the same run again counts its attempts.
const claimSql = `WITH due AS (
    SELECT id FROM jobs WHERE state = 'active' AND next_run_at <= $1 AND (claimed_until IS NULL OR claimed_until <= $1)
    ORDER BY next_run_at LIMIT $3
    FOR UPDATE SKIP LOCKED
  )
  UPDATE jobs SET
    claim_attempts = CASE WHEN jobs.claimed_due_at = jobs.next_run_at THEN jobs.claim_attempts + 1 ELSE 1 END,
    claimed_due_at = jobs.next_run_at, claimed_until = $2
  FROM due WHERE jobs.id = due.id
  RETURNING jobs.*`;

/**
 * Scheduled jobs on PostgreSQL. Due runs are claimed by one UPDATE … RETURNING over rows locked with
 * `FOR UPDATE SKIP LOCKED`: processes claiming at once take different runs and never wait on each other, and a run
 * whose claim ran out (a dead process) is claimed again by exactly one of them, its attempt counted.
 */
export function createPostgresJobs(pool: pg.Pool): JobStore {
  const rows = async (sql: string, values: unknown[]) => (await pool.query<JobRow>(sql, values)).rows;
  const changed = async (sql: string, values: unknown[]) => ((await pool.query(sql, values)).rowCount ?? 0) === 1;
  return {
    async create(job) {
      await pool.query(insertJob, jobValues(job));
    },
    async get(id) {
      const [row] = await rows("SELECT * FROM jobs WHERE id = $1", [id]);
      return row && toJob(row);
    },
    async list(filter) {
      const args = [filter.conversationKey ?? null, filter.creatorRef ?? null];
      const [open, finished] = await Promise.all([
        rows(`SELECT * FROM jobs WHERE ${filtered} AND state IN ('active', 'paused') ORDER BY created_at, seq`, args),
        rows(`SELECT * FROM jobs WHERE ${filtered} AND state = 'finished' ORDER BY updated_at DESC, seq DESC LIMIT $3`, [...args, finishedShown]),
      ]);
      return [...finished.reverse(), ...open].map(toJob);
    },
    async countOpen(creatorRef) {
      const { rows: [row] } = await pool.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM jobs WHERE creator_ref = $1 AND state IN ('active', 'paused') AND NOT is_background",
        [creatorRef],
      );
      return row!.count;
    },
    async setState(id, state, nextRunAt, now) {
      return changed(
        "UPDATE jobs SET state = $1, next_run_at = $2, updated_at = $3 WHERE id = $4 AND state IN ('active', 'paused')",
        [state, state === "active" ? (nextRunAt ?? null) : null, now, id],
      );
    },
    async nextWakeAt() {
      const { rows: [row] } = await pool.query<{ at: number | null }>(
        `SELECT min(CASE WHEN claimed_until IS NULL THEN next_run_at ELSE claimed_until END) AS at FROM jobs WHERE state = 'active'`,
      );
      return row?.at ?? undefined;
    },
    async claimDue(now, leaseMs, limit) {
      const claimed = await rows(
        claimSql,
        [now, now + leaseMs, limit],
      );
      return claimed
        .map((row): JobClaim => ({ job: toJob(row), dueAt: row.claimed_due_at!, attempt: row.claim_attempts, claimedUntil: row.claimed_until! }))
        .sort((a, b) => a.dueAt - b.dueAt);
    },
    async renew(id, dueAt, claimedUntil) {
      return changed("UPDATE jobs SET claimed_until = $1 WHERE id = $2 AND claimed_due_at = $3 AND claimed_until IS NOT NULL", [claimedUntil, id, dueAt]);
    },
    async finish(id, dueAt, result, nextRunAt) {
      return changed(
        `UPDATE jobs SET
           last_run = $1, run_count = run_count + 1, updated_at = $2,
           claimed_due_at = NULL, claimed_until = NULL, claim_attempts = 0,
           next_run_at = CASE WHEN state = 'active' THEN $3::bigint ELSE next_run_at END,
           state = CASE WHEN state = 'active' AND $3::bigint IS NULL THEN 'finished' ELSE state END
         WHERE id = $4 AND claimed_due_at = $5 AND claimed_until IS NOT NULL`,
        [JSON.stringify(result), result.endedAt, nextRunAt ?? null, id, dueAt],
      );
    },
    async releaseClaims() {
      return (await pool.query("UPDATE jobs SET claimed_until = 0 WHERE claimed_until IS NOT NULL")).rowCount ?? 0;
    },
    async clockMs() {
      return (await pool.query<{ now: number }>(`SELECT ${nowMs} AS now`)).rows[0]!.now;
    },
    async timezone(userRef) {
      const { rows: [row] } = await pool.query<{ timezone: string | null }>("SELECT timezone FROM user_settings WHERE user_ref = $1", [userRef]);
      return row?.timezone ?? undefined;
    },
    async setTimezone(userRef, timezone, now) {
      await pool.query(
        `INSERT INTO user_settings (user_ref, timezone, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_ref) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at`,
        [userRef, timezone, now],
      );
    },
  };
}
