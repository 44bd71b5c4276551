import { createHash } from "node:crypto";
import pg from "pg";
import { PipelinedPool } from "./pipelined-pool.ts";

/** int8 (epoch ms, counts) and numeric (sums) come back as numbers: every value the store keeps fits a double. */
const types = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
} as pg.CustomTypesConfig;

export interface PoolOptions {
  /** The schema the store's tables live in (created if missing); `public` by default. Tests use one per run. */
  schema?: string;
  /** Connections of the pool (10 by default; the gateway's pipelined pool takes `PINCER_DB_POOL`). */
  max?: number;
  /**
   * Whether a commit waits for its WAL to reach the disk (PostgreSQL's `synchronous_commit`; `on` by default). The
   * store's pools but the inbox's run with `off`, as SQLite's connection for everything but the inbox runs with
   * `synchronous=NORMAL`: a crash of Pincer loses nothing, a crash of the database server (or the machine) may lose the
   * last fraction of a second of those commits; an inbound message is durable before the platform gets its 2xx.
   */
  isCommitSynchronous?: boolean;
  /** Single statements share pipelined connections (`PipelinedPool`); transactions still get their own. */
  isPipelined?: boolean;
}

const schemaName = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkSchemaName(schema: string): string {
  if (!schemaName.test(schema)) throw new Error(`schema name "${schema}" must be lowercase letters, digits and _`);
  return schema;
}

/**
 * `DATABASE_URL` may name the schema Pincer's tables live in: `postgres://…/db?schema=pincer` (several deployments,
 * or test runs, on one database). The parameter is Pincer's, taken off before the URL reaches the driver.
 */
export function splitDatabaseUrl(raw: string, schema?: string): { url: string; schema: string } {
  const parsed = new URL(raw);
  const fromUrl = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  return { url: parsed.toString(), schema: checkSchemaName(schema ?? fromUrl ?? "public") };
}

/**
 * Every statement with parameters is sent as a named prepared statement: each connection parses and plans it once,
 * then only binds and executes it (the store sends the same few dozen statements over and over).
 */
class PreparingClient extends pg.Client {
  override query(...args: unknown[]): never {
    const [text, values, ...rest] = args;
    // `pool.query(text, values)` reaches here with a callback after them.
    if (typeof text === "string" && Array.isArray(values) && rest.length <= 1 && (rest.length === 0 || typeof rest[0] === "function")) {
      const name = `p${createHash("sha1").update(text).digest("base64url").slice(0, 20)}`;
      return (super.query as (...a: unknown[]) => never)({ name, text, values }, ...rest);
    }
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

export function createPool(raw: string, options: PoolOptions = {}): pg.Pool {
  const { url, schema } = splitDatabaseUrl(raw, options.schema);
  const config = {
    connectionString: url,
    max: options.max ?? 10,
    types,
    options: `-c search_path=${schema}${options.isCommitSynchronous === false ? " -c synchronous_commit=off" : ""}`,
    application_name: "pincer",
    Client: PreparingClient,
  };
  const pool = options.isPipelined ? new PipelinedPool(config) : new pg.Pool(config);
  // An idle connection the server dropped (a restart, a failover) must not crash the process: the pool replaces it.
  pool.on("error", () => {});
  return pool;
}

/** Runs `work` in one transaction on one connection; rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** The database's clock in epoch ms: every process reads the same time. */
export const nowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
