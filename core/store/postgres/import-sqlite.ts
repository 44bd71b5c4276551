import type { DatabaseSync } from "node:sqlite";
import type pg from "pg";
import { BridgeError } from "../../types/errors.ts";
import { inTransaction } from "./database.ts";

/**
 * What `import-sqlite` copies, table by table, in this order: every column of the SQLite schema (same names),
 * `seq` kept where other rows or the summary refer to it. Leases are not copied (nobody holds anything in a new
 * database). The job store's table joins this list when that port lands.
 */
const tables: { name: string; columns: string[]; order: string; booleans?: string[]; serial?: string }[] = [
  { name: "inbox", columns: ["seq", "key", "conversation_key", "message", "status", "received_at", "turn"], order: "seq", serial: "seq" },
  {
    name: "outbox",
    columns: ["key", "conversation", "part", "status", "message_id", "attempts", "next_attempt_at", "last_error", "created_at", "claimed_until", "waits_for"],
    order: "rowid",
  },
  { name: "sessions", columns: ["id", "conversation_key", "created_at", "ended_at", "summary", "summarized_through"], order: "rowid" },
  { name: "session_messages", columns: ["seq", "session_id", "role", "text", "created_at"], order: "seq", serial: "seq" },
  { name: "runs", columns: ["ref", "conversation_key", "session_id", "sender_id", "agent_id", "inbox_keys", "started_at", "ended_at", "outcome", "detail"], order: "rowid" },
  { name: "run_events", columns: ["seq", "run_ref", "at", "kind", "detail"], order: "seq", serial: "seq" },
  { name: "pairing", columns: ["platform", "chat_id", "user_id", "display_name", "code", "created_at", "expires_at", "last_sent_at", "approved_at"], order: "rowid" },
  {
    name: "usage",
    columns: ["seq", "at", "user_ref", "conversation_key", "model", "input_tokens", "output_tokens", "cached_tokens", "cost_usd"],
    order: "seq",
    serial: "seq",
  },
  {
    name: "approvals",
    columns: ["id", "conversation", "requester_ref", "tool", "summary", "status", "created_at", "expires_at", "decided_by", "decided_at", "is_always"],
    order: "rowid",
    booleans: ["is_always"],
  },
  { name: "contacts", columns: ["user_ref", "conversation", "updated_at"], order: "rowid" },
  { name: "conversation_choices", columns: ["conversation_key", "agent", "model", "updated_at"], order: "rowid" },
  { name: "agent_sessions", columns: ["agent", "conversation_key", "session_id"], order: "rowid" },
  { name: "adapter_state", columns: ["namespace", "key", "value", "expires_at"], order: "rowid" },
];

const batchSize = 500;

/**
 * Copies a SQLite store (migrated to its latest schema) into an empty, migrated PostgreSQL schema, in one
 * transaction: either everything arrives or nothing. Returns the rows copied per table.
 */
export async function importSqlite(source: DatabaseSync, pool: pg.Pool): Promise<Record<string, number>> {
  return inTransaction(pool, async (client) => {
    for (const table of ["inbox", "sessions", "usage", "pairing"]) {
      const { rows } = await client.query(`SELECT 1 FROM ${table} LIMIT 1`);
      if (rows.length > 0) throw new BridgeError("config", `the PostgreSQL store already has ${table} rows: import-sqlite copies into an empty database only`);
    }
    const counts: Record<string, number> = {};
    for (const table of tables) {
      const select = source.prepare(`SELECT ${table.columns.join(", ")} FROM ${table.name} ORDER BY ${table.order}`);
      let batch: unknown[][] = [];
      counts[table.name] = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const width = table.columns.length;
        const values = batch.map((_, row) => `(${table.columns.map((_, column) => `$${row * width + column + 1}`).join(", ")})`).join(", ");
        await client.query(`INSERT INTO ${table.name} (${table.columns.join(", ")}) VALUES ${values}`, batch.flat());
        counts[table.name]! += batch.length;
        batch = [];
      };
      for (const record of select.iterate() as Iterable<Record<string, unknown>>) {
        batch.push(table.columns.map((column) => (table.booleans?.includes(column) ? record[column] === 1 : record[column])));
        if (batch.length === batchSize) await flush();
      }
      await flush();
      if (table.serial) {
        await client.query(
          `SELECT setval(pg_get_serial_sequence('${table.name}', '${table.serial}'), coalesce((SELECT max(${table.serial}) FROM ${table.name}), 0) + 1, false)`,
        );
      }
    }
    return counts;
  });
}
