import type { DatabaseSync } from "node:sqlite";
import { conversationKey } from "../../types/conversation.ts";
import type { JobClaim, JobStore } from "../jobs.ts";
import { toJob, type JobRow } from "../stored-rows.ts";

/** How many finished one-offs `/jobs` still shows (their outcome), beside the open jobs. */
const finishedShown = 5;

/** The jobs' statements, prepared once per connection. */
function prepareJobStatements(database: DatabaseSync) {
  return {
    insert: database.prepare(
      `INSERT INTO jobs (id, conversation, conversation_key, creator_ref, creator_name, prompt, schedule, timezone, state,
         next_run_at, is_background, secret_hash, created_at, last_run, run_count, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    select: database.prepare("SELECT * FROM jobs WHERE id = ?"),
    listOpen: database.prepare(
      `SELECT * FROM jobs WHERE (? IS NULL OR conversation_key = ?) AND (? IS NULL OR creator_ref = ?) AND state IN ('active', 'paused')
       ORDER BY created_at, rowid`,
    ),
    listFinished: database.prepare(
      `SELECT * FROM jobs WHERE (? IS NULL OR conversation_key = ?) AND (? IS NULL OR creator_ref = ?) AND state = 'finished'
       ORDER BY updated_at DESC, rowid DESC LIMIT ?`,
    ),
    countOpen: database.prepare("SELECT COUNT(*) AS count FROM jobs WHERE creator_ref = ? AND state IN ('active', 'paused') AND is_background = 0"),
    setState: database.prepare(
      "UPDATE jobs SET state = ?, next_run_at = ?, updated_at = ? WHERE id = ? AND state IN ('active', 'paused')",
    ),
    nextDue: database.prepare("SELECT MIN(next_run_at) AS at FROM jobs WHERE state = 'active' AND claimed_until IS NULL"),
    nextLeaseEnd: database.prepare("SELECT MIN(claimed_until) AS at FROM jobs WHERE state = 'active' AND claimed_until IS NOT NULL"),
    // One statement: a run is claimed by exactly one caller, and a claim of the same run again counts its attempts.
    claim: database.prepare(
      `UPDATE jobs SET
         claim_attempts = CASE WHEN claimed_due_at = next_run_at THEN claim_attempts + 1 ELSE 1 END,
         claimed_due_at = next_run_at, claimed_until = ?
       WHERE id IN (
         SELECT id FROM jobs WHERE state = 'active' AND next_run_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY next_run_at LIMIT ?
       ) AND state = 'active' AND next_run_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
       RETURNING *`,
    ),
    renew: database.prepare("UPDATE jobs SET claimed_until = ? WHERE id = ? AND claimed_due_at = ? AND claimed_until IS NOT NULL"),
    finish: database.prepare(
      `UPDATE jobs SET
         last_run = ?, run_count = run_count + 1, updated_at = ?,
         claimed_due_at = NULL, claimed_until = NULL, claim_attempts = 0,
         next_run_at = CASE WHEN state = 'active' THEN ? ELSE next_run_at END,
         state = CASE WHEN state = 'active' AND ? IS NULL THEN 'finished' ELSE state END
       WHERE id = ? AND claimed_due_at = ? AND claimed_until IS NOT NULL`,
    ),
    release: database.prepare("UPDATE jobs SET claimed_until = 0 WHERE claimed_until IS NOT NULL"),
    selectTimezone: database.prepare("SELECT timezone FROM user_settings WHERE user_ref = ?"),
    upsertTimezone: database.prepare(
      "INSERT INTO user_settings (user_ref, timezone, updated_at) VALUES (?, ?, ?) ON CONFLICT (user_ref) DO UPDATE SET timezone = excluded.timezone, updated_at = excluded.updated_at",
    ),
  };
}

export function createSqliteJobs(database: DatabaseSync): JobStore {
  const sql = prepareJobStatements(database);
  return {
    async create(job) {
      sql.insert.run(
        job.id, JSON.stringify(job.conversation), conversationKey(job.conversation), job.creatorRef, job.creatorName, job.prompt,
        JSON.stringify(job.schedule), job.timezone, job.state, job.nextRunAt ?? null, job.isBackground ? 1 : 0, job.secretHash ?? null,
        job.createdAt, job.lastRun ? JSON.stringify(job.lastRun) : null, job.runCount, job.createdAt,
      );
    },
    async get(id) {
      const row = sql.select.get(id) as JobRow | undefined;
      return row && toJob(row);
    },
    async list(filter) {
      const args = [filter.conversationKey ?? null, filter.conversationKey ?? null, filter.creatorRef ?? null, filter.creatorRef ?? null];
      const open = (sql.listOpen.all(...args) as unknown as JobRow[]).map(toJob);
      const finished = (sql.listFinished.all(...args, finishedShown) as unknown as JobRow[]).map(toJob).reverse();
      return [...finished, ...open];
    },
    async countOpen(creatorRef) {
      return (sql.countOpen.get(creatorRef) as { count: number }).count;
    },
    async setState(id, state, nextRunAt, now) {
      return sql.setState.run(state, state === "active" ? (nextRunAt ?? null) : null, now, id).changes === 1;
    },
    async nextWakeAt() {
      const due = (sql.nextDue.get() as { at: number | null }).at;
      const leaseEnd = (sql.nextLeaseEnd.get() as { at: number | null }).at;
      const times = [due, leaseEnd].filter((at): at is number => at !== null);
      return times.length > 0 ? Math.min(...times) : undefined;
    },
    async claimDue(now, leaseMs, limit) {
      const rows = sql.claim.all(now + leaseMs, now, now, limit, now, now) as unknown as JobRow[];
      return rows
        .map((row): JobClaim => ({ job: toJob(row), dueAt: row.claimed_due_at!, attempt: row.claim_attempts, claimedUntil: row.claimed_until! }))
        .sort((a, b) => a.dueAt - b.dueAt);
    },
    async renew(id, dueAt, claimedUntil) {
      return sql.renew.run(claimedUntil, id, dueAt).changes === 1;
    },
    async finish(id, dueAt, result, nextRunAt) {
      const next = nextRunAt ?? null;
      return sql.finish.run(JSON.stringify(result), result.endedAt, next, next, id, dueAt).changes === 1;
    },
    async releaseClaims() {
      return Number(sql.release.run().changes);
    },
    async timezone(userRef) {
      return (sql.selectTimezone.get(userRef) as { timezone: string | null } | undefined)?.timezone ?? undefined;
    },
    async setTimezone(userRef, timezone, now) {
      sql.upsertTimezone.run(userRef, timezone, now);
    },
  };
}
