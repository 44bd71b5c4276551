import type { DatabaseSync } from "node:sqlite";
import { fileIdOf, type FileStore } from "../file-store.ts";

export function createSqliteFiles(database: DatabaseSync): FileStore {
  // Bytes already stored are not written again: only their last use moves on.
  const touch = database.prepare("UPDATE stored_files SET stored_at = max(stored_at, ?) WHERE id = ?");
  const insert = database.prepare(
    `INSERT INTO stored_files (id, bytes, size_bytes, file_name, mime_type, stored_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET stored_at = max(stored_at, excluded.stored_at)`,
  );
  const select = database.prepare("SELECT bytes, file_name, mime_type FROM stored_files WHERE id = ?");
  return {
    async put(bytes, meta, now) {
      const id = fileIdOf(bytes);
      if (Number(touch.run(now, id).changes) === 0) insert.run(id, bytes, bytes.length, meta.fileName ?? null, meta.mimeType ?? null, now);
      return id;
    },
    async get(id) {
      const row = select.get(id) as { bytes: Uint8Array; file_name: string | null; mime_type: string | null } | undefined;
      return row && { bytes: row.bytes, fileName: row.file_name ?? undefined, mimeType: row.mime_type ?? undefined };
    },
  };
}
