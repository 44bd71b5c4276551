import type { AuditCursor, AuditEntry, AuditFilter } from "./audit-log.ts";

/**
 * The audit log's one query, shared by SQLite and PostgreSQL (`?` placeholders; PostgreSQL numbers them). Runs and
 * run events are two arms, each read newest first through its own index and cut at `limit`, then merged.
 */
export function auditListQuery(filter: AuditFilter, limit: number, before?: AuditCursor): { sql: string; params: unknown[] } {
  const arms: string[] = [];
  const params: unknown[] = [];
  let where: string[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    params.push(...values);
  };
  if (filter.kind === undefined || filter.kind === "run") {
    if (filter.runRef !== undefined) add("r.ref = ?", filter.runRef);
    if (filter.senderId !== undefined) add("r.sender_id = ?", filter.senderId);
    if (filter.conversationKey !== undefined) add("r.conversation_key = ?", filter.conversationKey);
    if (filter.since !== undefined) add("r.started_at >= ?", filter.since);
    if (filter.until !== undefined) add("r.started_at < ?", filter.until);
    if (before) {
      // A run sorts after (below) the events of the same millisecond: seq 0.
      if (before.seq > 0) add("r.started_at <= ?", before.at);
      else add("r.started_at <= ? AND (r.started_at < ? OR r.ref < ?)", before.at, before.at, before.runRef);
    }
    params.push(limit);
    arms.push(
      `SELECT * FROM (SELECT 'run' AS type, r.started_at AS at, 0 AS seq, r.ref AS run_ref, 'run' AS kind, r.conversation_key, r.sender_id,
        r.agent_id, r.outcome, r.ended_at, r.detail FROM runs r ${whereClause(where)} ORDER BY r.started_at DESC, r.ref DESC LIMIT ?) AS run_arm`,
    );
  }
  if (filter.kind !== "run") {
    where = [];
    if (filter.runRef !== undefined) add("e.run_ref = ?", filter.runRef);
    if (filter.kind !== undefined) add("e.kind = ?", filter.kind);
    if (filter.senderId !== undefined) add("r.sender_id = ?", filter.senderId);
    if (filter.conversationKey !== undefined) add("r.conversation_key = ?", filter.conversationKey);
    if (filter.since !== undefined) add("e.at >= ?", filter.since);
    if (filter.until !== undefined) add("e.at < ?", filter.until);
    // `at <= ?` first: the index on (at, seq) starts there.
    if (before) add("e.at <= ? AND (e.at < ? OR e.seq < ?)", before.at, before.at, before.seq);
    params.push(limit);
    arms.push(
      `SELECT * FROM (SELECT 'event' AS type, e.at, e.seq, e.run_ref, e.kind, coalesce(r.conversation_key, '') AS conversation_key,
        coalesce(r.sender_id, '') AS sender_id, coalesce(r.agent_id, '') AS agent_id, CAST(NULL AS text) AS outcome, CAST(NULL AS bigint) AS ended_at, e.detail
        FROM run_events e LEFT JOIN runs r ON r.ref = e.run_ref ${whereClause(where)} ORDER BY e.at DESC, e.seq DESC LIMIT ?) AS event_arm`,
    );
  }
  params.push(limit);
  return { sql: `${arms.join(" UNION ALL ")} ORDER BY at DESC, seq DESC, run_ref DESC LIMIT ?`, params };
}

const whereClause = (conditions: readonly string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "");

/** `?` → `$1`, `$2`, … (the query has no `?` inside a string literal). */
export const numberedPlaceholders = (sql: string): string => {
  let index = 0;
  return sql.replace(/\?/g, () => `$${(index += 1)}`);
};

export interface AuditRow {
  type: "run" | "event";
  at: number;
  seq: number;
  run_ref: string;
  kind: string;
  conversation_key: string;
  sender_id: string;
  agent_id: string;
  outcome: string | null;
  ended_at: number | null;
  detail: string | null;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  const base = { at: Number(row.at), runRef: row.run_ref, conversationKey: row.conversation_key, senderId: row.sender_id, agentId: row.agent_id };
  if (row.type === "run") {
    return { ...base, type: "run", kind: "run", outcome: row.outcome ?? undefined, endedAt: row.ended_at === null ? undefined : Number(row.ended_at), detail: row.detail ?? undefined };
  }
  return { ...base, type: "event", seq: Number(row.seq), kind: row.kind, detail: parseDetail(row.detail) };
}

function parseDetail(text: string | null): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? "{}");
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  } catch {
    return { text };
  }
}
