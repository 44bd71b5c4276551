/**
 * The waiting rows of a chat, apart from its history: a turn's claims read its few unfinished rows through this small
 * index, where (status, conversation_key, seq) held every finished row too and let generic plans (made before the chat
 * is known) walk a chat's whole history. Queries name the unfinished statuses as literals, so the planner can prove
 * they fall under it.
 */
export const inboxUnfinishedMigration = `
  CREATE INDEX inbox_unfinished ON inbox (conversation_key, seq) WHERE status IN ('received', 'queued', 'running');
  DROP INDEX inbox_by_status;
  `;
