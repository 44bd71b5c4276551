import type pg from "pg";
import { consoleReportMigration } from "./migration-console-report.ts";
import { checkSchemaName, inTransaction } from "./database.ts";
import { conversationsMigration } from "./migration-conversations.ts";
import { inboxSearchMigration } from "./migration-inbox-search.ts";
import { inboxUnfinishedMigration } from "./migration-inbox-unfinished.ts";
import { endTurnMigration } from "./migration-end-turn.ts";
import { rateLimitsMigration } from "./migration-rate-limits.ts";
import { storedFilesMigration } from "./migration-files.ts";
import { tracesMigration } from "./migration-traces.ts";

/**
 * Append only: each entry moves the schema one version up (`pincer_schema.version`). Version 1 is the SQLite
 * schema as it stands after its own migrations (core/store/sqlite/migrations.ts), with the same tables and columns,
 * so that `import-sqlite` copies rows across one to one. Epoch milliseconds are bigint; JSON stays text, as written.
 * Version 2 adds scheduled jobs, memories and the knowledge base (SQLite's versions 3 and 4), searched with a
 * `simple` tsvector (prefix matches, ts_rank) and substring matches for Chinese; vectors are float4[].
 */
const migrations: readonly string[] = [
  `
  CREATE TABLE inbox (
    seq bigserial PRIMARY KEY,
    key text NOT NULL UNIQUE,
    conversation_key text NOT NULL,
    message text NOT NULL,
    status text NOT NULL,
    received_at bigint NOT NULL,
    turn text
  );
  CREATE INDEX inbox_by_status ON inbox (status, conversation_key, seq);

  CREATE TABLE outbox (
    seq bigserial NOT NULL,
    key text PRIMARY KEY,
    conversation text NOT NULL,
    part text NOT NULL,
    status text NOT NULL,
    message_id text,
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    last_error text,
    created_at bigint NOT NULL,
    claimed_until bigint,
    waits_for text
  );
  CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
  CREATE INDEX outbox_open_by_conversation ON outbox (conversation, seq) WHERE status IN ('pending', 'sending') AND waits_for IS NULL;
  CREATE INDEX outbox_waiting ON outbox (waits_for, created_at) WHERE waits_for IS NOT NULL;

  CREATE TABLE sessions (
    id text PRIMARY KEY,
    conversation_key text NOT NULL,
    created_at bigint NOT NULL,
    ended_at bigint,
    summary text NOT NULL DEFAULT '',
    summarized_through bigint NOT NULL DEFAULT 0
  );
  CREATE UNIQUE INDEX sessions_open ON sessions (conversation_key) WHERE ended_at IS NULL;

  CREATE TABLE session_messages (
    seq bigserial PRIMARY KEY,
    session_id text NOT NULL REFERENCES sessions (id),
    role text NOT NULL,
    text text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE INDEX session_messages_by_session ON session_messages (session_id, seq);

  CREATE TABLE runs (
    ref text PRIMARY KEY,
    conversation_key text NOT NULL,
    session_id text NOT NULL,
    sender_id text NOT NULL,
    agent_id text NOT NULL,
    inbox_keys text NOT NULL,
    started_at bigint NOT NULL,
    ended_at bigint,
    outcome text,
    detail text
  );

  CREATE TABLE run_events (
    seq bigserial PRIMARY KEY,
    run_ref text NOT NULL,
    at bigint NOT NULL,
    kind text NOT NULL,
    detail text NOT NULL
  );
  CREATE INDEX run_events_by_run ON run_events (run_ref, seq);

  CREATE TABLE pairing (
    id bigserial PRIMARY KEY,
    platform text NOT NULL,
    chat_id text NOT NULL DEFAULT '',
    user_id text NOT NULL,
    display_name text NOT NULL,
    code text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    last_sent_at bigint NOT NULL,
    approved_at bigint
  );
  CREATE UNIQUE INDEX pairing_by_user ON pairing (platform, user_id) WHERE chat_id = '';
  CREATE UNIQUE INDEX pairing_by_group ON pairing (platform, chat_id) WHERE chat_id <> '';

  CREATE TABLE usage (
    seq bigserial PRIMARY KEY,
    at bigint NOT NULL,
    user_ref text NOT NULL,
    conversation_key text NOT NULL,
    model text NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    cached_tokens bigint NOT NULL,
    cost_usd double precision NOT NULL
  );
  CREATE INDEX usage_by_user ON usage (user_ref, at);
  CREATE INDEX usage_by_conversation ON usage (conversation_key, at);

  CREATE TABLE approvals (
    id text PRIMARY KEY,
    conversation text NOT NULL,
    requester_ref text NOT NULL,
    tool text NOT NULL,
    summary text NOT NULL,
    status text NOT NULL,
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    decided_by text,
    decided_at bigint,
    is_always boolean NOT NULL DEFAULT false
  );

  CREATE TABLE contacts (
    user_ref text PRIMARY KEY,
    conversation text NOT NULL,
    updated_at bigint NOT NULL
  );

  CREATE TABLE conversation_choices (
    conversation_key text PRIMARY KEY,
    agent text,
    model text,
    updated_at bigint NOT NULL
  );

  CREATE TABLE agent_sessions (
    agent text NOT NULL,
    conversation_key text NOT NULL,
    session_id text NOT NULL,
    PRIMARY KEY (agent, conversation_key)
  );

  CREATE TABLE leases (
    key text PRIMARY KEY,
    holder text NOT NULL,
    expires_at bigint NOT NULL,
    stop_requested_at bigint
  );
  CREATE INDEX leases_stops ON leases (holder) WHERE stop_requested_at IS NOT NULL;

  CREATE TABLE adapter_state (
    namespace text NOT NULL,
    key text NOT NULL,
    value text NOT NULL,
    expires_at bigint,
    PRIMARY KEY (namespace, key)
  );
  `,
  `
  CREATE TABLE jobs (
    id text PRIMARY KEY,
    conversation text NOT NULL,
    conversation_key text NOT NULL,
    creator_ref text NOT NULL,
    creator_name text NOT NULL,
    prompt text NOT NULL,
    schedule text NOT NULL,
    timezone text NOT NULL,
    state text NOT NULL,
    next_run_at bigint,
    is_background boolean NOT NULL DEFAULT false,
    secret_hash text,
    created_at bigint NOT NULL,
    last_run text,
    run_count integer NOT NULL DEFAULT 0,
    claimed_due_at bigint,
    claimed_until bigint,
    claim_attempts integer NOT NULL DEFAULT 0,
    updated_at bigint NOT NULL,
    seq bigserial NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (next_run_at) WHERE state = 'active';
  CREATE INDEX jobs_by_conversation ON jobs (conversation_key, created_at);
  CREATE INDEX jobs_by_creator ON jobs (creator_ref, state);
  CREATE TABLE user_settings (
    user_ref text PRIMARY KEY,
    timezone text,
    updated_at bigint NOT NULL
  );

  CREATE TABLE memories (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    owner text NOT NULL,
    text text NOT NULL,
    author_ref text NOT NULL,
    conversation_key text NOT NULL,
    created_at bigint NOT NULL,
    words tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
  );
  CREATE INDEX memories_by_owner ON memories (owner, seq);
  CREATE INDEX memories_by_author ON memories (author_ref);
  CREATE INDEX memories_words ON memories USING gin (words);

  CREATE TABLE kb_documents (
    id bigserial PRIMARY KEY,
    kb text NOT NULL,
    source text NOT NULL,
    title text NOT NULL,
    size_bytes bigint NOT NULL,
    added_at bigint NOT NULL,
    embedding_model text,
    UNIQUE (kb, source)
  );
  CREATE TABLE kb_chunks (
    seq bigserial PRIMARY KEY,
    document_id bigint NOT NULL REFERENCES kb_documents (id) ON DELETE CASCADE,
    kb text NOT NULL,
    section text NOT NULL,
    text text NOT NULL,
    embedding float4[],
    words tsvector GENERATED ALWAYS AS (setweight(to_tsvector('simple', section), 'A') || setweight(to_tsvector('simple', text), 'B')) STORED
  );
  CREATE INDEX kb_chunks_by_document ON kb_chunks (document_id);
  CREATE INDEX kb_chunks_by_kb ON kb_chunks (kb);
  CREATE INDEX kb_chunks_words ON kb_chunks USING gin (words);
  `,
  // The console: activity over time (inbox, outbox, runs by their time) and the approvals of every chat by state.
  `
  CREATE INDEX inbox_by_received ON inbox (received_at);
  CREATE INDEX outbox_sent_by_created ON outbox (status, created_at);
  CREATE INDEX approvals_by_status ON approvals (status, created_at);
  CREATE INDEX approvals_by_created ON approvals (created_at);
  CREATE INDEX pairing_by_approval ON pairing (approved_at) WHERE approved_at IS NOT NULL;
  CREATE INDEX usage_by_time ON usage (at);
  `,
  // The console's usage report and audit log (its own file: the SQL is long).
  consoleReportMigration,
  tracesMigration,
  conversationsMigration,
  rateLimitsMigration,
  storedFilesMigration,
  inboxSearchMigration,
  endTurnMigration,
  inboxUnfinishedMigration,
];

export const schemaVersion = migrations.length;

/**
 * Brings the schema up to date. Several processes may start at once: a transaction-scoped advisory lock (one per
 * schema) lets one of them migrate while the others wait, then find nothing left to do. DDL is transactional in
 * PostgreSQL, so a failed migration leaves the previous version whole. Returns the versions applied.
 */
export async function migrate(pool: pg.Pool, schema = "public"): Promise<number[]> {
  checkSchemaName(schema);
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`pincer.migrate:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`SET LOCAL search_path = ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.pincer_schema (version integer NOT NULL)`);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${schema}.pincer_schema`);
    let version = rows[0]?.version ?? 0;
    if (rows.length === 0) await client.query(`INSERT INTO ${schema}.pincer_schema (version) VALUES (0)`);
    if (version > migrations.length) {
      throw new Error(`the database's schema is version ${version}, newer than this Pincer knows (${migrations.length}): upgrade Pincer`);
    }
    const applied: number[] = [];
    for (; version < migrations.length; version += 1) {
      await client.query(migrations[version]!);
      applied.push(version + 1);
    }
    await client.query(`UPDATE ${schema}.pincer_schema SET version = $1`, [version]);
    return applied;
  });
}

/** The schema's version (0 before the first migration), for `doctor`. */
export async function currentVersion(pool: pg.Pool, schema = "public"): Promise<number> {
  const exists = await pool.query<{ found: string | null }>("SELECT to_regclass($1) AS found", [`${checkSchemaName(schema)}.pincer_schema`]);
  if (!exists.rows[0]?.found) return 0;
  const { rows } = await pool.query<{ version: number }>(`SELECT version FROM ${schema}.pincer_schema`);
  return rows[0]?.version ?? 0;
}
