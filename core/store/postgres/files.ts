import type pg from "pg";
import { fileIdOf, type FileStore } from "../file-store.ts";

export function createPostgresFiles(pool: pg.Pool): FileStore {
  return {
    async put(bytes, meta, now) {
      const id = fileIdOf(bytes);
      // Bytes already stored are not sent again: only their last use moves on.
      const touched = await pool.query("UPDATE stored_files SET stored_at = greatest(stored_at, $1) WHERE id = $2", [now, id]);
      if (touched.rowCount === 0) {
        await pool.query(
          `INSERT INTO stored_files (id, bytes, size_bytes, file_name, mime_type, stored_at) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET stored_at = greatest(stored_files.stored_at, excluded.stored_at)`,
          [id, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), bytes.length, meta.fileName ?? null, meta.mimeType ?? null, now],
        );
      }
      return id;
    },
    async get(id) {
      const { rows } = await pool.query<{ bytes: Buffer; file_name: string | null; mime_type: string | null }>(
        "SELECT bytes, file_name, mime_type FROM stored_files WHERE id = $1",
        [id],
      );
      const row = rows[0];
      return row && { bytes: new Uint8Array(row.bytes), fileName: row.file_name ?? undefined, mimeType: row.mime_type ?? undefined };
    },
  };
}
