import type pg from "pg";
import {
  clampLimit, decodeBefore, decodeListCursor, encodeListCursor, isMessageSearch, searchScanLimit, type ConversationStore,
} from "../conversation-store.ts";
import {
  replyKeyRange, runsPerPage, toMessage, toRun, toSummary,
  type ApprovalRow, type EventRow, type MessageRow, type OutboxRow, type RunRow, type SummaryRow, type UsageRow,
} from "../conversation-assembly.ts";
import { likePattern } from "../fts-query.ts";

const page = "ORDER BY last_at DESC, key DESC";
const named = "(chat_id ILIKE $1 OR last_sender ILIKE $1 OR last_text ILIKE $1)";
// The conversations of the most recent matching messages: ILIKE on the generated text column (a pg_trgm index when there is one).
const matching = `key IN (SELECT conversation_key FROM (SELECT conversation_key FROM inbox_search WHERE search_text ILIKE $1 ORDER BY seq DESC LIMIT ${searchScanLimit}) m)`;

async function runsOf(pool: pg.Pool, conversationKey: string, since: number, limit: number) {
  const runRows = (
    await pool.query<RunRow>(
      `SELECT ref, sender_id, agent_id, inbox_keys, started_at, ended_at, outcome, detail FROM runs
       WHERE conversation_key = $1 AND started_at >= $2 ORDER BY started_at LIMIT $3`,
      [conversationKey, since, runsPerPage(limit)],
    )
  ).rows;
  const refs = runRows.map((run) => run.ref);
  const firstKeys = [...new Set(runRows.map((run) => (JSON.parse(run.inbox_keys) as string[])[0]).filter((key): key is string => !!key))];
  const [events, approvals, usage, replyRows] = await Promise.all([
    pool.query<EventRow>("SELECT run_ref, at, kind, detail FROM run_events WHERE run_ref = ANY($1) ORDER BY seq", [refs]),
    pool.query<ApprovalRow>(
      `SELECT id, run_ref, tool, summary, status, requester_ref, created_at, expires_at, decided_by, decided_at, is_always
       FROM approvals WHERE run_ref = ANY($1) ORDER BY created_at`,
      [refs],
    ),
    pool.query<UsageRow>(
      "SELECT run_ref, at, model, input_tokens, output_tokens, cached_tokens, cost_usd FROM usage WHERE run_ref = ANY($1) ORDER BY seq",
      [refs],
    ),
    Promise.all(
      firstKeys.map(async (first) => {
        const [from, to] = replyKeyRange(first);
        const { rows } = await pool.query<OutboxRow>(
          "SELECT key, part, status, attempts, last_error, message_id FROM outbox WHERE key ~>=~ $1 AND key ~<~ $2 ORDER BY seq",
          [from, to],
        );
        return [first, rows] as const;
      }),
    ),
  ]);
  const details = { events: events.rows, approvals: approvals.rows, usage: usage.rows, replies: new Map(replyRows) };
  return runRows.map((run) => toRun(run, details));
}

export function createPostgresConversations(pool: pg.Pool): ConversationStore {
  return {
    async list(options) {
      const limit = clampLimit(options.limit);
      const cursor = decodeListCursor(options.cursor);
      const search = options.search?.trim().slice(0, 200) ?? "";
      const params: unknown[] = search === "" ? [] : [likePattern(search)];
      const where: string[] = search === "" ? [] : [isMessageSearch(search) ? `(${matching} OR ${named})` : named];
      if (cursor) {
        params.push(cursor.lastAt, cursor.key);
        where.push(`(last_at, key) < ($${params.length - 1}, $${params.length})`);
      }
      params.push(limit + 1);
      const { rows } = await pool.query<SummaryRow>(
        `SELECT * FROM conversations ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ${page} LIMIT $${params.length}`,
        params,
      );
      const conversations = rows.slice(0, limit).map(toSummary);
      const last = conversations.at(-1);
      return { conversations, nextCursor: rows.length > limit && last ? encodeListCursor(last.lastAt, last.key) : undefined };
    },
    async messages(conversationKey, options) {
      const limit = clampLimit(options.limit);
      const before = decodeBefore(options.before) ?? Number.MAX_SAFE_INTEGER;
      const [summary, messages] = await Promise.all([
        pool.query<SummaryRow>("SELECT * FROM conversations WHERE key = $1", [conversationKey]),
        pool.query<MessageRow>(
          "SELECT seq, key, message, status, received_at FROM inbox WHERE conversation_key = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3",
          [conversationKey, before, limit + 1],
        ),
      ]);
      const rows = messages.rows;
      const oldPage = rows.slice(0, limit).reverse();
      const oldest = oldPage[0];
      const runs = oldest ? await runsOf(pool, conversationKey, Number(oldest.received_at), limit) : [];
      const found = summary.rows[0];
      return {
        conversation: found ? toSummary(found) : undefined,
        messages: oldPage.map((row) => toMessage(row, runs)),
        nextBefore: rows.length > limit && oldest ? String(oldest.seq) : undefined,
      };
    },
  };
}
