import type pg from "pg";
import type { TurnStore } from "../turn-store.ts";

/** The end of a turn in one statement: its writes are CTEs, each run once and committed together. */
export function createPostgresTurns(pool: pg.Pool): TurnStore {
  return {
    async finish(turn) {
      const messages = turn.session?.messages ?? [];
      await pool.query(
        `WITH appended AS (
           INSERT INTO session_messages (session_id, role, text, created_at)
           SELECT $1::text, role, text, created_at FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS t (role, text, created_at, n)
           ORDER BY n
         ), done AS (
           UPDATE inbox SET status = 'done' WHERE key = ANY($5::text[]) AND status IN ('received', 'queued', 'running')
         ), ran AS (
           UPDATE runs SET outcome = $7, ended_at = $8, detail = $9 WHERE ref = $6::text
         )
         SELECT 1`,
        [
          turn.session?.id ?? null, messages.map((m) => m.role), messages.map((m) => m.text), messages.map((m) => m.createdAt),
          turn.doneKeys, turn.run?.ref ?? null, turn.run?.outcome ?? null, turn.run?.endedAt ?? null, turn.run?.detail ?? null,
        ],
      );
    },
  };
}
