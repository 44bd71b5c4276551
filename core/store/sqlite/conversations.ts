import type { DatabaseSync, StatementSync } from "node:sqlite";
import {
  clampLimit, decodeBefore, decodeListCursor, encodeListCursor, isMessageSearch, searchScanLimit, type ConversationStore,
} from "../conversation-store.ts";
import {
  replyKeyRange, runsPerPage, toMessage, toRun, toSummary,
  type ApprovalRow, type EventRow, type MessageRow, type OutboxRow, type RunRow, type SummaryRow, type UsageRow,
} from "../conversation-assembly.ts";
import { likePattern } from "../fts-query.ts";

/** An FTS5 phrase (trigram: a substring match, case-insensitive) for the whole search text; none under three characters. */
function phrase(search: string): string | undefined {
  return isMessageSearch(search) ? `"${search.replaceAll('"', '""')}"` : undefined;
}

function prepareConversationStatements(database: DatabaseSync) {
  const page = "ORDER BY last_at DESC, key DESC LIMIT ?";
  const after = "(last_at < ? OR (last_at = ? AND key < ?))";
  // Both lists are made once (names by one scan of the table); the list's index is then walked newest first, each
  // key checked against them without reading its row (`+key`: not an index lookup per listed key, which sorts them all).
  const named = "+key IN (SELECT key FROM conversations WHERE chat_id LIKE ? ESCAPE '\\' OR last_sender LIKE ? ESCAPE '\\' OR last_text LIKE ? ESCAPE '\\')";
  // The conversations of the most recent matching messages (a bounded scan, newest first: FTS5 walks rowids backwards).
  const matching = `+key IN (SELECT i.conversation_key FROM inbox i
    WHERE i.seq IN (SELECT rowid FROM inbox_fts WHERE inbox_fts MATCH ? ORDER BY rowid DESC LIMIT ${searchScanLimit}))`;
  return {
    first: database.prepare(`SELECT * FROM conversations ${page}`),
    after: database.prepare(`SELECT * FROM conversations WHERE ${after} ${page}`),
    searchText: database.prepare(`SELECT * FROM conversations WHERE (${matching} OR ${named}) AND ${after} ${page}`),
    searchNames: database.prepare(`SELECT * FROM conversations WHERE ${named} AND ${after} ${page}`),
    one: database.prepare("SELECT * FROM conversations WHERE key = ?"),
    messages: database.prepare(
      "SELECT seq, key, message, status, received_at FROM inbox WHERE conversation_key = ? AND seq < ? ORDER BY seq DESC LIMIT ?",
    ),
    runs: database.prepare(
      "SELECT ref, sender_id, agent_id, inbox_keys, started_at, ended_at, outcome, detail FROM runs WHERE conversation_key = ? AND started_at >= ? ORDER BY started_at LIMIT ?",
    ),
    events: database.prepare("SELECT run_ref, at, kind, detail FROM run_events WHERE run_ref IN (SELECT value FROM json_each(?)) ORDER BY seq"),
    approvals: database.prepare(
      "SELECT id, run_ref, tool, summary, status, requester_ref, created_at, expires_at, decided_by, decided_at, is_always FROM approvals WHERE run_ref IN (SELECT value FROM json_each(?)) ORDER BY created_at",
    ),
    usage: database.prepare(
      "SELECT run_ref, at, model, input_tokens, output_tokens, cached_tokens, cost_usd FROM usage WHERE run_ref IN (SELECT value FROM json_each(?)) ORDER BY seq",
    ),
    replies: database.prepare("SELECT key, part, status, attempts, last_error, message_id FROM outbox WHERE key > ? AND key < ? ORDER BY created_at, key"),
  };
}

function runsOf(sql: ReturnType<typeof prepareConversationStatements>, conversationKey: string, since: number, limit: number) {
  const runRows = sql.runs.all(conversationKey, since, runsPerPage(limit)) as unknown as RunRow[];
  const refs = JSON.stringify(runRows.map((run) => run.ref));
  const replies = new Map<string, OutboxRow[]>();
  for (const run of runRows) {
    const first = (JSON.parse(run.inbox_keys) as string[])[0];
    if (first && !replies.has(first)) replies.set(first, sql.replies.all(...replyKeyRange(first)) as unknown as OutboxRow[]);
  }
  const details = {
    events: sql.events.all(refs) as unknown as EventRow[],
    approvals: sql.approvals.all(refs) as unknown as ApprovalRow[],
    usage: sql.usage.all(refs) as unknown as UsageRow[],
    replies,
  };
  return runRows.map((run) => toRun(run, details));
}

export function createSqliteConversations(database: DatabaseSync): ConversationStore {
  const sql = prepareConversationStatements(database);
  return {
    async list(options) {
      const limit = clampLimit(options.limit);
      const cursor = decodeListCursor(options.cursor);
      const bounds = cursor ? [cursor.lastAt, cursor.lastAt, cursor.key] : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, ""];
      const search = options.search?.trim().slice(0, 200) ?? "";
      let statement: StatementSync;
      let params: (string | number)[];
      if (search === "") {
        statement = cursor ? sql.after : sql.first;
        params = cursor ? [...bounds, limit + 1] : [limit + 1];
      } else {
        const like = likePattern(search);
        const match = phrase(search);
        statement = match ? sql.searchText : sql.searchNames;
        params = [...(match ? [match] : []), like, like, like, ...bounds, limit + 1];
      }
      const rows = (statement.all(...params) as unknown as SummaryRow[]).map(toSummary);
      const conversations = rows.slice(0, limit);
      const last = conversations.at(-1);
      return { conversations, nextCursor: rows.length > limit && last ? encodeListCursor(last.lastAt, last.key) : undefined };
    },
    async messages(conversationKey, options) {
      const limit = clampLimit(options.limit);
      const before = decodeBefore(options.before) ?? Number.MAX_SAFE_INTEGER;
      const summary = sql.one.get(conversationKey) as SummaryRow | undefined;
      const rows = sql.messages.all(conversationKey, before, limit + 1) as unknown as MessageRow[];
      const page = rows.slice(0, limit).reverse();
      const oldest = page[0];
      const runs = oldest ? runsOf(sql, conversationKey, Number(oldest.received_at), limit) : [];
      return {
        conversation: summary ? toSummary(summary) : undefined,
        messages: page.map((row) => toMessage(row, runs)),
        nextBefore: rows.length > limit && oldest ? String(oldest.seq) : undefined,
      };
    },
  };
}
