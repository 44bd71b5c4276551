/**
 * Files a reply carries, copied into the store (core/store/file-store.ts): keyed by the sha256 of their bytes;
 * `stored_at` is their last use, for the retention.
 */
export const storedFilesMigration = `
  CREATE TABLE stored_files (
    id TEXT PRIMARY KEY,
    bytes BLOB NOT NULL,
    size_bytes INTEGER NOT NULL,
    file_name TEXT,
    mime_type TEXT,
    stored_at INTEGER NOT NULL
  );
  CREATE INDEX stored_files_by_age ON stored_files (stored_at);
  `;
