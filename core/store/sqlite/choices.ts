import type { DatabaseSync } from "node:sqlite";
import type { AgentSessionStore, ChoiceStore } from "../store.ts";

export function createSqliteChoices(database: DatabaseSync): ChoiceStore {
  const select = database.prepare("SELECT agent, model FROM conversation_choices WHERE conversation_key = ?");
  const upsert = database.prepare(
    `INSERT INTO conversation_choices (conversation_key, agent, model, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (conversation_key) DO UPDATE SET agent = excluded.agent, model = excluded.model, updated_at = excluded.updated_at`,
  );
  return {
    async get(conversationKey) {
      const row = select.get(conversationKey) as { agent: string | null; model: string | null } | undefined;
      return { ...(row?.agent ? { agent: row.agent } : {}), ...(row?.model ? { model: row.model } : {}) };
    },
    async set(conversationKey, choice, at) {
      upsert.run(conversationKey, choice.agent ?? null, choice.model ?? null, at);
    },
  };
}

export function createSqliteAgentSessions(database: DatabaseSync): AgentSessionStore {
  const select = database.prepare("SELECT session_id FROM agent_sessions WHERE agent = ? AND conversation_key = ?");
  const upsert = database.prepare(
    `INSERT INTO agent_sessions (agent, conversation_key, session_id) VALUES (?, ?, ?)
     ON CONFLICT (agent, conversation_key) DO UPDATE SET session_id = excluded.session_id`,
  );
  const clear = database.prepare("DELETE FROM agent_sessions WHERE conversation_key = ?");
  return {
    async get(agent, conversationKey) {
      return (select.get(agent, conversationKey) as { session_id: string } | undefined)?.session_id;
    },
    async clear(conversationKey) {
      clear.run(conversationKey);
    },
    async set(agent, conversationKey, sessionId) {
      upsert.run(agent, conversationKey, sessionId);
    },
  };
}
