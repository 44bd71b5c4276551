import type { DatabaseSync } from "node:sqlite";
import type { AdapterStateStore } from "../store.ts";

export function createSqliteAdapterState(database: DatabaseSync): AdapterStateStore {
  const select = database.prepare(
    "SELECT value FROM adapter_state WHERE namespace = ? AND key = ? AND (expires_at IS NULL OR expires_at > ?)",
  );
  const upsert = database.prepare(
    `INSERT INTO adapter_state (namespace, key, value, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
  );
  const remove = database.prepare("DELETE FROM adapter_state WHERE namespace = ? AND key = ?");
  const prune = database.prepare("DELETE FROM adapter_state WHERE expires_at <= ?");
  return {
    async get<T>(namespace: string, key: string, now: number) {
      const row = select.get(namespace, key, now) as { value: string } | undefined;
      return row && (JSON.parse(row.value) as T);
    },
    async set(namespace, key, value, expiresAt) {
      upsert.run(namespace, key, JSON.stringify(value), expiresAt ?? null);
    },
    async delete(namespace, key) {
      remove.run(namespace, key);
    },
    async pruneExpired(now) {
      return Number(prune.run(now).changes);
    },
  };
}
