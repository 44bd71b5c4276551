import type { DatabaseSync } from "node:sqlite";
import type { ConversationRef } from "../../types/conversation.ts";
import type { ContactStore } from "../store.ts";

export function createSqliteContacts(database: DatabaseSync): ContactStore {
  const upsert = database.prepare(
    `INSERT INTO contacts (user_ref, conversation, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (user_ref) DO UPDATE SET conversation = excluded.conversation, updated_at = excluded.updated_at`,
  );
  const select = database.prepare("SELECT conversation FROM contacts WHERE user_ref = ?");
  return {
    async remember(userRef, conversation, at) {
      upsert.run(userRef, JSON.stringify(conversation), at);
    },
    async find(userRef) {
      const row = select.get(userRef) as { conversation: string } | undefined;
      return row ? (JSON.parse(row.conversation) as ConversationRef) : undefined;
    },
  };
}
