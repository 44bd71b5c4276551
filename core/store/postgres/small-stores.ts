import type pg from "pg";
import type { ConversationRef } from "../../types/conversation.ts";
import { auditListQuery, numberedPlaceholders, toAuditEntry, type AuditRow } from "../audit-log-sql.ts";
import type { AdapterStateStore, AgentSessionStore, AuditStore, ChoiceStore, ContactStore } from "../store.ts";

// The store's small parts on PostgreSQL: one statement each, the same tables and columns as SQLite's.

export function createPostgresAudit(pool: pg.Pool): AuditStore {
  return {
    async startRun(run) {
      await pool.query(
        "INSERT INTO runs (ref, conversation_key, session_id, sender_id, agent_id, inbox_keys, started_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        [run.ref, run.conversationKey, run.sessionId, run.senderId, run.agentId, JSON.stringify(run.inboxKeys), run.startedAt],
      );
    },
    async finishRun(ref, outcome, endedAt, detail) {
      await pool.query("UPDATE runs SET outcome = $1, ended_at = $2, detail = $3 WHERE ref = $4", [outcome, endedAt, detail ?? null, ref]);
    },
    async recordEvent(runRef, at, kind, detail) {
      await pool.query("INSERT INTO run_events (run_ref, at, kind, detail) VALUES ($1, $2, $3, $4)", [runRef, at, kind, JSON.stringify(detail)]);
    },
    async events(runRef) {
      const { rows } = await pool.query<{ at: number; kind: string; detail: string }>(
        "SELECT at, kind, detail FROM run_events WHERE run_ref = $1 ORDER BY seq",
        [runRef],
      );
      return rows.map((row) => ({ at: row.at, kind: row.kind, detail: JSON.parse(row.detail) as Record<string, unknown> }));
    },
    async list(filter, limit, before) {
      const { sql, params } = auditListQuery(filter, limit, before);
      return (await pool.query<AuditRow>(numberedPlaceholders(sql), params)).rows.map(toAuditEntry);
    },
  };
}

export function createPostgresContacts(pool: pg.Pool): ContactStore {
  return {
    async remember(userRef, conversation, at) {
      await pool.query(
        `INSERT INTO contacts (user_ref, conversation, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_ref) DO UPDATE SET conversation = excluded.conversation, updated_at = excluded.updated_at`,
        [userRef, JSON.stringify(conversation), at],
      );
    },
    async find(userRef) {
      const row = (await pool.query<{ conversation: string }>("SELECT conversation FROM contacts WHERE user_ref = $1", [userRef])).rows[0];
      return row ? (JSON.parse(row.conversation) as ConversationRef) : undefined;
    },
  };
}

export function createPostgresChoices(pool: pg.Pool): ChoiceStore {
  return {
    async get(conversationKey) {
      const row = (await pool.query<{ agent: string | null; model: string | null }>(
        "SELECT agent, model FROM conversation_choices WHERE conversation_key = $1",
        [conversationKey],
      )).rows[0];
      return { ...(row?.agent ? { agent: row.agent } : {}), ...(row?.model ? { model: row.model } : {}) };
    },
    async set(conversationKey, choice, at) {
      await pool.query(
        `INSERT INTO conversation_choices (conversation_key, agent, model, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_key) DO UPDATE SET agent = excluded.agent, model = excluded.model, updated_at = excluded.updated_at`,
        [conversationKey, choice.agent ?? null, choice.model ?? null, at],
      );
    },
  };
}

export function createPostgresAgentSessions(pool: pg.Pool): AgentSessionStore {
  return {
    async get(agent, conversationKey) {
      const row = (await pool.query<{ session_id: string }>(
        "SELECT session_id FROM agent_sessions WHERE agent = $1 AND conversation_key = $2",
        [agent, conversationKey],
      )).rows[0];
      return row?.session_id;
    },
    async set(agent, conversationKey, sessionId) {
      await pool.query(
        `INSERT INTO agent_sessions (agent, conversation_key, session_id) VALUES ($1, $2, $3)
         ON CONFLICT (agent, conversation_key) DO UPDATE SET session_id = excluded.session_id`,
        [agent, conversationKey, sessionId],
      );
    },
    async clear(conversationKey) {
      await pool.query("DELETE FROM agent_sessions WHERE conversation_key = $1", [conversationKey]);
    },
  };
}

export function createPostgresAdapterState(pool: pg.Pool): AdapterStateStore {
  return {
    async get<T>(namespace: string, key: string, now: number) {
      const row = (await pool.query<{ value: string }>(
        "SELECT value FROM adapter_state WHERE namespace = $1 AND key = $2 AND (expires_at IS NULL OR expires_at > $3)",
        [namespace, key, now],
      )).rows[0];
      return row && (JSON.parse(row.value) as T);
    },
    async set(namespace, key, value, expiresAt) {
      await pool.query(
        `INSERT INTO adapter_state (namespace, key, value, expires_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
        [namespace, key, JSON.stringify(value), expiresAt ?? null],
      );
    },
    async delete(namespace, key) {
      await pool.query("DELETE FROM adapter_state WHERE namespace = $1 AND key = $2", [namespace, key]);
    },
    async pruneExpired(now) {
      return (await pool.query("DELETE FROM adapter_state WHERE expires_at <= $1", [now])).rowCount ?? 0;
    },
  };
}
