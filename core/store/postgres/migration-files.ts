/** Files a reply carries, copied into the store (SQLite's stored_files migration): bytea, keyed by their sha256. */
export const storedFilesMigration = `
  CREATE TABLE stored_files (
    id text PRIMARY KEY,
    bytes bytea NOT NULL,
    size_bytes bigint NOT NULL,
    file_name text,
    mime_type text,
    stored_at bigint NOT NULL
  );
  CREATE INDEX stored_files_by_age ON stored_files (stored_at);
  `;
