import type { DatabaseSync } from "node:sqlite";
import { consoleReportMigration } from "./migration-console-report.ts";
import { conversationsMigration } from "./migration-conversations.ts";
import { memoriesAndKnowledgeMigration } from "./migration-memories-knowledge.ts";
import { rateLimitsMigration } from "./migration-rate-limits.ts";
import { storedFilesMigration } from "./migration-files.ts";
import { tracesMigration } from "./migration-traces.ts";

/** Append only: each entry moves the schema one version up (`PRAGMA user_version`). */
const migrations: readonly string[] = [
  `
  CREATE TABLE inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL UNIQUE,
    conversation_key TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    received_at INTEGER NOT NULL
  );
  CREATE INDEX inbox_by_status ON inbox (status, conversation_key, seq);

  CREATE TABLE outbox (
    key TEXT PRIMARY KEY,
    conversation TEXT NOT NULL,
    part TEXT NOT NULL,
    status TEXT NOT NULL,
    message_id TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    conversation_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE UNIQUE INDEX sessions_open ON sessions (conversation_key) WHERE ended_at IS NULL;

  CREATE TABLE session_messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX session_messages_by_session ON session_messages (session_id, seq);

  CREATE TABLE runs (
    ref TEXT PRIMARY KEY,
    conversation_key TEXT NOT NULL,
    session_id TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    agent_id TEXT NOT NULL,
    inbox_keys TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    ended_at INTEGER,
    outcome TEXT,
    detail TEXT
  );

  CREATE TABLE pairing (
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    code TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_sent_at INTEGER NOT NULL,
    approved_at INTEGER,
    PRIMARY KEY (platform, user_id)
  );
  `,
  `
  ALTER TABLE sessions ADD COLUMN summary TEXT NOT NULL DEFAULT '';
  ALTER TABLE sessions ADD COLUMN summarized_through INTEGER NOT NULL DEFAULT 0;

  CREATE TABLE usage (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    user_ref TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    model TEXT NOT NULL,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cached_tokens INTEGER NOT NULL,
    cost_usd REAL NOT NULL
  );
  CREATE INDEX usage_by_user ON usage (user_ref, at);
  CREATE INDEX usage_by_conversation ON usage (conversation_key, at);

  CREATE TABLE approvals (
    id TEXT PRIMARY KEY,
    conversation TEXT NOT NULL,
    requester_ref TEXT NOT NULL,
    tool TEXT NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    decided_by TEXT,
    decided_at INTEGER
  );

  CREATE TABLE run_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    run_ref TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  CREATE INDEX run_events_by_run ON run_events (run_ref, seq);

  CREATE TABLE contacts (
    user_ref TEXT PRIMARY KEY,
    conversation TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );
  `,
  `
  CREATE TABLE conversation_choices (
    conversation_key TEXT PRIMARY KEY,
    agent TEXT,
    model TEXT,
    updated_at INTEGER NOT NULL
  );

  CREATE TABLE agent_sessions (
    agent TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    session_id TEXT NOT NULL,
    PRIMARY KEY (agent, conversation_key)
  );
  `,
  `
  ALTER TABLE approvals ADD COLUMN is_always INTEGER NOT NULL DEFAULT 0;
  `,
  // Groups pair too: a row is a person's (chat_id '') or a group's (chat_id set), unique per platform and either id.
  `
  CREATE TABLE pairing_v2 (
    platform TEXT NOT NULL,
    chat_id TEXT NOT NULL DEFAULT '',
    user_id TEXT NOT NULL,
    display_name TEXT NOT NULL,
    code TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    last_sent_at INTEGER NOT NULL,
    approved_at INTEGER
  );
  INSERT INTO pairing_v2 (platform, chat_id, user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at)
    SELECT platform, '', user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at FROM pairing;
  DROP TABLE pairing;
  ALTER TABLE pairing_v2 RENAME TO pairing;
  CREATE UNIQUE INDEX pairing_by_user ON pairing (platform, user_id) WHERE chat_id = '';
  CREATE UNIQUE INDEX pairing_by_group ON pairing (platform, chat_id) WHERE chat_id <> '';
  `,
  // Durable turns (the rows a turn claimed) and outbox claims with a lease: exactly once across crashes.
  `
  ALTER TABLE inbox ADD COLUMN turn TEXT;
  ALTER TABLE outbox ADD COLUMN claimed_until INTEGER;
  `,
  // Conversation leases in the store (timed by the database's clock), and `/stop` as a request to the lease's holder.
  `
  CREATE TABLE leases (
    key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    stop_requested_at INTEGER
  );
  CREATE INDEX leases_stops ON leases (holder) WHERE stop_requested_at IS NOT NULL;
  `,
  // One store, one outbox: replies that wait for a condition (ClawBot's parked replies), and adapters' small state.
  `
  ALTER TABLE outbox ADD COLUMN waits_for TEXT;
  CREATE INDEX outbox_waiting ON outbox (waits_for, created_at) WHERE waits_for IS NOT NULL;
  CREATE TABLE adapter_state (
    namespace TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    expires_at INTEGER,
    PRIMARY KEY (namespace, key)
  );
  `,
  // Memories people can list and delete, and the private knowledge base (its own file: the SQL is long).
  memoriesAndKnowledgeMigration,
  // Scheduled jobs: a due run is claimed by one conditional update with a lease (claimed_due_at, claim_attempts).
  `
  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    conversation TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    creator_ref TEXT NOT NULL,
    creator_name TEXT NOT NULL,
    prompt TEXT NOT NULL,
    schedule TEXT NOT NULL,
    timezone TEXT NOT NULL,
    state TEXT NOT NULL,
    next_run_at INTEGER,
    is_background INTEGER NOT NULL DEFAULT 0,
    secret_hash TEXT,
    created_at INTEGER NOT NULL,
    last_run TEXT,
    run_count INTEGER NOT NULL DEFAULT 0,
    claimed_due_at INTEGER,
    claimed_until INTEGER,
    claim_attempts INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX jobs_due ON jobs (next_run_at) WHERE state = 'active';
  CREATE INDEX jobs_by_conversation ON jobs (conversation_key, created_at);
  CREATE INDEX jobs_by_creator ON jobs (creator_ref, state);
  CREATE TABLE user_settings (
    user_ref TEXT PRIMARY KEY,
    timezone TEXT,
    updated_at INTEGER NOT NULL
  );
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
];

/** Brings the schema up to `toVersion` (the latest unless a test stops earlier). */
export function migrate(database: DatabaseSync, toVersion = migrations.length): void {
  const row = database.prepare("PRAGMA user_version").get() as { user_version: number };
  for (let version = row.user_version; version < toVersion; version += 1) {
    database.exec("BEGIN");
    try {
      database.exec(migrations[version]!);
      database.exec(`PRAGMA user_version = ${version + 1}`);
      database.exec("COMMIT");
    } catch (error) {
      database.exec("ROLLBACK");
      throw error;
    }
  }
}

export const schemaVersion = migrations.length;
