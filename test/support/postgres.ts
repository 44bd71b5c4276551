import { randomBytes } from "node:crypto";
import pg from "pg";
import { createPostgresStore } from "../../core/store/postgres/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { StoreFactory } from "../core/store/contract/factory.ts";

/**
 * The PostgreSQL server the system tests use: `PINCER_TEST_DATABASE_URL` (.ci/run sets it). Absent, the tests that
 * need it are skipped, and say why in their name.
 */
export const testDatabaseUrl = process.env.PINCER_TEST_DATABASE_URL || undefined;

export const skipReason = "PINCER_TEST_DATABASE_URL is not set: PostgreSQL tests skipped (.ci/run sets it up)";

/** A schema of its own per test (or per gateway group), so that runs and tests never see each other's rows. */
export function uniqueSchema(): string {
  return `pincer_test_${randomBytes(6).toString("hex")}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

/** PostgreSQL for the contract suites: a fresh schema per test; "another process" is a second pool on that schema. */
export function postgresFactory(url: string): StoreFactory {
  let schema: string | undefined;
  const opened: Store[] = [];
  const openOn = async (name: string) => {
    const store = await createPostgresStore(url, { schema: name, max: 4 });
    opened.push(store);
    return store;
  };
  return {
    async open() {
      schema = uniqueSchema();
      return openOn(schema);
    },
    async openAnother() {
      return openOn(schema!);
    },
    async cleanup() {
      for (const store of opened.splice(0)) await store.close();
      if (schema) await dropSchema(url, schema);
      schema = undefined;
    },
  };
}
