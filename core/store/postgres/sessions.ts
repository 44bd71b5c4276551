import { randomUUID } from "node:crypto";
import type pg from "pg";
import type { SessionInfo, SessionMessage, SessionRole, StoredSessionMessage } from "../../types/agent.ts";
import type { SessionStore } from "../store.ts";

interface OpenSession {
  id: string;
  created_at: number;
  summary: string;
  summarized_through: number;
  history: { seq: number; role: string; text: string; created_at: number }[];
}

/**
 * The latest messages of the session row `session` since its summary (`limit` of them, oldest first), as JSON. The
 * bounds are row comparisons on purpose: planned before the session is known, `session_id = … AND seq > …` let the
 * planner walk the primary key backwards through every chat's messages (a quiet chat's turn read the whole table) or
 * read all of a busy session's messages and sort them; bounds that only the (session_id, seq) index serves keep the
 * read to this session's latest `limit` messages, newest first.
 */
const historyOf = (session: string, limit: string) => `coalesce((SELECT json_agg(json_build_object('seq', m.seq, 'role', m.role, 'text', m.text, 'created_at', m.created_at) ORDER BY m.seq)
      FROM (SELECT seq, role, text, created_at FROM session_messages
            WHERE (session_id, seq) > (${session}.id, ${session}.summarized_through) AND (session_id, seq) <= (${session}.id, 9223372036854775807)
            ORDER BY session_id DESC, seq DESC LIMIT ${limit}) AS m), '[]'::json)`;

/** The conversation's open session with its latest messages since the summary ($2 of them, oldest first), in one statement. */
const selectOpen = `SELECT s.id, s.created_at, s.summary, s.summarized_through, ${historyOf("s", "$2")} AS history
  FROM sessions AS s WHERE s.conversation_key = $1 AND s.ended_at IS NULL`;

const toHistory = (open: OpenSession): StoredSessionMessage[] =>
  open.history.map((row) => ({ seq: row.seq, role: row.role as SessionRole, text: row.text, createdAt: row.created_at }));

const toSessionInfo = (conversationKey: string, open: OpenSession): SessionInfo => ({
  id: open.id,
  conversationKey,
  createdAt: open.created_at,
  summary: open.summary,
  summarizedThrough: open.summarized_through,
  history: toHistory(open),
});

/**
 * The conversation's open session ($1), or one opened now ($2 its id, $3 now), with its latest $4 messages, in one
 * statement. `alongside`: more CTEs written with it, over `open` (the run a turn records under the session).
 */
export const openSessionSql = (alongside = "") => `WITH existing AS (
    SELECT id, created_at, summary, summarized_through FROM sessions WHERE conversation_key = $1 AND ended_at IS NULL
  ), created AS (
    INSERT INTO sessions (id, conversation_key, created_at) SELECT $2, $1, $3 WHERE NOT EXISTS (SELECT 1 FROM existing)
    ON CONFLICT DO NOTHING RETURNING id, created_at, summary, summarized_through
  ), open AS (
    SELECT * FROM existing UNION ALL SELECT * FROM created
  )${alongside}
  SELECT s.id, s.created_at, s.summary, s.summarized_through, ${historyOf("s", "$4")} AS history FROM open AS s`;

/**
 * Runs an `openSessionSql` statement. Two processes opening at once: the unique index on open sessions keeps one, the
 * other's statement finds none and the next one finds it.
 */
export async function openSession(pool: pg.Pool, sql: string, params: unknown[], conversationKey: string): Promise<SessionInfo> {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const open = (await pool.query<OpenSession>(sql, params)).rows[0];
    if (open) return toSessionInfo(conversationKey, open);
  }
  throw new Error(`no open session for ${conversationKey} after opening one`);
}

export function createPostgresSessions(pool: pg.Pool): SessionStore {
  const findOpen = async (conversationKey: string, historyLimit: number) => (await pool.query<OpenSession>(selectOpen, [conversationKey, historyLimit])).rows[0];
  const openSql = openSessionSql();

  return {
    current: (conversationKey: string, now: number, historyLimit: number) =>
      openSession(pool, openSql, [conversationKey, randomUUID(), now, historyLimit], conversationKey),
    async history(conversationKey: string, limit: number) {
      const open = await findOpen(conversationKey, limit);
      return open ? toHistory(open) : [];
    },
    async end(conversationKey: string, now: number) {
      await pool.query("UPDATE sessions SET ended_at = $1 WHERE conversation_key = $2 AND ended_at IS NULL", [now, conversationKey]);
    },
    async append(sessionId: string, messages: readonly SessionMessage[]) {
      if (messages.length === 0) return;
      // One statement for the turn's messages, in order.
      await pool.query(
        `INSERT INTO session_messages (session_id, role, text, created_at)
         SELECT $1, role, text, created_at FROM unnest($2::text[], $3::text[], $4::bigint[]) WITH ORDINALITY AS t (role, text, created_at, n) ORDER BY n`,
        [sessionId, messages.map((m) => m.role), messages.map((m) => m.text), messages.map((m) => m.createdAt)],
      );
    },
    async saveSummary(sessionId: string, summary: string, throughSeq: number) {
      await pool.query("UPDATE sessions SET summary = $1, summarized_through = $2 WHERE id = $3", [summary, throughSeq, sessionId]);
    },
    async countMessages(sessionId: string) {
      return (await pool.query<{ n: number }>("SELECT count(*) AS n FROM session_messages WHERE session_id = $1", [sessionId])).rows[0]!.n;
    },
  };
}
