import { randomUUID } from "node:crypto";
import type { DatabaseSync } from "node:sqlite";
import type { SessionMessage, SessionRole, StoredSessionMessage } from "../../types/agent.ts";
import type { SessionStore } from "../store.ts";
import { inTransaction } from "./database.ts";

interface OpenSession {
  id: string;
  created_at: number;
  summary: string;
  summarized_through: number;
}

export function createSqliteSessions(database: DatabaseSync): SessionStore {
  const selectOpen = database.prepare(
    "SELECT id, created_at, summary, summarized_through FROM sessions WHERE conversation_key = ? AND ended_at IS NULL",
  );
  const insert = database.prepare(
    "INSERT INTO sessions (id, conversation_key, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const end = database.prepare(
    "UPDATE sessions SET ended_at = ? WHERE conversation_key = ? AND ended_at IS NULL",
  );
  const append = database.prepare(
    "INSERT INTO session_messages (session_id, role, text, created_at) VALUES (?, ?, ?, ?)",
  );
  const recent = database.prepare(
    "SELECT seq, role, text, created_at FROM session_messages WHERE session_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?",
  );
  const count = database.prepare("SELECT count(*) AS n FROM session_messages WHERE session_id = ?");
  const saveSummary = database.prepare("UPDATE sessions SET summary = ?, summarized_through = ? WHERE id = ?");

  const latest = (open: OpenSession, limit: number): StoredSessionMessage[] => {
    const rows = recent.all(open.id, open.summarized_through, limit) as { seq: number; role: string; text: string; created_at: number }[];
    return rows.reverse().map((row) => ({ seq: row.seq, role: row.role as SessionRole, text: row.text, createdAt: row.created_at }));
  };

  return {
    async current(conversationKey: string, now: number, historyLimit: number) {
      let open = selectOpen.get(conversationKey) as OpenSession | undefined;
      if (!open) {
        insert.run(randomUUID(), conversationKey, now);
        open = selectOpen.get(conversationKey) as unknown as OpenSession;
      }
      const history = latest(open, historyLimit);
      return {
        id: open.id,
        conversationKey,
        createdAt: open.created_at,
        summary: open.summary,
        summarizedThrough: open.summarized_through,
        history,
      };
    },
    async history(conversationKey: string, limit: number) {
      const open = selectOpen.get(conversationKey) as OpenSession | undefined;
      return open ? latest(open, limit) : [];
    },
    async end(conversationKey: string, now: number) {
      end.run(now, conversationKey);
    },
    async append(sessionId: string, messages: readonly SessionMessage[]) {
      inTransaction(database, () => {
        for (const message of messages) append.run(sessionId, message.role, message.text, message.createdAt);
      });
    },
    async saveSummary(sessionId: string, summary: string, throughSeq: number) {
      saveSummary.run(summary, throughSeq, sessionId);
    },
    async countMessages(sessionId: string) {
      return (count.get(sessionId) as { n: number }).n;
    },
  };
}
