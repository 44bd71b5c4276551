import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { TurnStore } from "../turn-store.ts";
import { takeLeaseSql } from "./leases.ts";
import { claimTurnCtes, claimTurnParams, toRows, type InboxRecord } from "./inbox.ts";
import { openSession, openSessionSql } from "./sessions.ts";

type BeginRecord = Partial<InboxRecord> & { is_taken: boolean; agent: string | null; model: string | null };

/**
 * The lease as `leases.acquire` takes it ($5 the holder, $6 its term), gating the claim of `inbox.claimQueued`, with the
 * row to queue ($7, possibly null); one row with the conversation's choice, joined with each row claimed.
 */
const beginSql = `WITH lease AS (
    ${takeLeaseSql("$1", "$5", "$6")} RETURNING 1
  ), ${claimTurnCtes({ gate: "EXISTS (SELECT 1 FROM lease)", queueKey: "$7::text" })}
  SELECT EXISTS (SELECT 1 FROM lease) AS is_taken, c.agent, c.model, t.seq, t.key, t.conversation_key, t.message, t.status, t.received_at
  FROM (SELECT 1) AS one
  LEFT JOIN conversation_choices AS c ON c.conversation_key = $1
  LEFT JOIN (SELECT * FROM unfinished UNION ALL SELECT * FROM fresh) AS t ON TRUE`;

/** The open session, or one opened now, with the run ($5 its ref) recorded under it. */
const startSql = openSessionSql(`, run AS (
    INSERT INTO runs (ref, conversation_key, session_id, sender_id, agent_id, inbox_keys, started_at)
    SELECT $5, $1, id, $6, $7, $8, $3 FROM open
  )`);

/** A turn's writes on PostgreSQL, one statement each (`end` calls a function: see migration-end-turn.ts). */
export function createPostgresTurns(pool: pg.Pool): TurnStore {
  return {
    async begin(conversationKey, holder, leaseMs, options) {
      const params = [...claimTurnParams(conversationKey, options), holder, Math.round(leaseMs), options.queueKey ?? null];
      const { rows } = await pool.query<BeginRecord>(beginSql, params);
      const [first] = rows;
      if (!first?.is_taken) return undefined;
      const claimed = rows.filter((row): row is BeginRecord & InboxRecord => row.key != null);
      return { rows: toRows(claimed), choice: { ...(first.agent ? { agent: first.agent } : {}), ...(first.model ? { model: first.model } : {}) } };
    },
    async start(run, historyLimit) {
      const params = [
        run.conversationKey, randomUUID(), run.startedAt, historyLimit, run.ref, run.senderId, run.agentId, JSON.stringify(run.inboxKeys),
      ];
      return openSession(pool, startSql, params, run.conversationKey);
    },
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
    async end(conversationKey, holder, options) {
      const { rows } = await pool.query<{ has_queued: boolean }>("SELECT pincer_end_turn($1, $2, $3::bigint) AS has_queued", [
        conversationKey, holder, options.heldBehindSince ?? null,
      ]);
      return rows[0]!.has_queued;
    },
  };
}
