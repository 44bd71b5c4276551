import { Socket } from "node:net";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createPool, inTransaction } from "../../core/store/postgres/database.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";

describe.skipIf(!testDatabaseUrl)("statements pipelined over a few connections (PostgreSQL)", () => {
  const pools: pg.Pool[] = [];
  let schema: string | undefined;
  const open = async (laneCount: number) => {
    schema = uniqueSchema();
    const pool = createPool(testDatabaseUrl!, { schema, max: laneCount, isPipelined: true });
    pools.push(pool);
    await pool.query(`CREATE SCHEMA ${schema}`);
    await pool.query("CREATE TABLE counters (key text PRIMARY KEY, n integer NOT NULL)");
    return pool;
  };
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.end();
    if (schema) await dropSchema(testDatabaseUrl!, schema);
    schema = undefined;
  });

  it("sends many statements at once over no more connections than allowed, each answered with its own result", async () => {
    const pool = await open(2);
    // Statements handed to a connection before its earlier ones were answered: 1 at most without pipelining.
    let maxOutstanding = 0;
    const outstanding = new Map<pg.Client, number>();
    const query = pg.Client.prototype.query;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const count = (outstanding.get(this) ?? 0) + 1;
      outstanding.set(this, count);
      maxOutstanding = Math.max(maxOutstanding, count);
      const result = (query as (...a: unknown[]) => Promise<unknown>).apply(this, args);
      void result.finally(() => outstanding.set(this, outstanding.get(this)! - 1)).catch(() => {});
      return result;
    } as typeof query;
    let answers: pg.QueryResult<{ n: number; pid: number }>[];
    try {
      answers = await Promise.all(Array.from({ length: 200 }, (_, index) => pool.query<{ n: number; pid: number }>("SELECT $1::int * 2 AS n, pg_backend_pid() AS pid", [index])));
    } finally {
      pg.Client.prototype.query = query;
    }
    expect(answers.map((answer) => answer.rows[0]!.n)).toEqual(Array.from({ length: 200 }, (_, index) => index * 2));
    expect(new Set(answers.map((answer) => answer.rows[0]!.pid)).size).toBe(2);
    expect(maxOutstanding).toBeGreaterThan(50);
  });

  it("sends the statements given in one turn of the event loop in one write", async () => {
    const pool = await open(1);
    await pool.query("SELECT 1", []);
    const writes = new Map<Socket, number>();
    const socket = Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => unknown };
    const writeGeneric = socket._writeGeneric;
    socket._writeGeneric = function (this: Socket, ...args: unknown[]) {
      writes.set(this, (writes.get(this) ?? 0) + 1);
      return writeGeneric.apply(this, args);
    };
    let answers: pg.QueryResult<{ n: number }>[];
    try {
      answers = await Promise.all(Array.from({ length: 30 }, (_, index) => pool.query<{ n: number }>("SELECT $1::int AS n", [index])));
    } finally {
      socket._writeGeneric = writeGeneric;
    }
    expect(answers.map((answer) => answer.rows[0]!.n)).toEqual(Array.from({ length: 30 }, (_, index) => index));
    expect([...writes.values()]).toEqual([1]);
  });

  it("fails only the statement that failed, not those sent with it", async () => {
    const pool = await open(1);
    await pool.query("INSERT INTO counters VALUES ('a', 1)");
    const results = await Promise.allSettled([
      pool.query("UPDATE counters SET n = n + 1 WHERE key = $1", ["a"]),
      pool.query("INSERT INTO counters VALUES ($1, 1)", ["a"]),
      pool.query("UPDATE counters SET n = n + 1 WHERE key = $1", ["a"]),
    ]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/duplicate key/);
    expect((await pool.query<{ n: number }>("SELECT n FROM counters WHERE key = $1", ["a"])).rows[0]!.n).toBe(3);
  });

  it("opens another connection when the server drops one, and keeps answering", async () => {
    const pool = await open(1);
    const pid = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid", [])).rows[0]!.pid;
    const admin = new pg.Client({ connectionString: testDatabaseUrl });
    await admin.connect();
    try {
      await admin.query("SELECT pg_terminate_backend($1)", [pid]);
    } finally {
      await admin.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const after = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid", []);
    expect(after.rows[0]!.pid).not.toBe(pid);
  });

  it("keeps a transaction on a connection of its own, unseen by pipelined statements until it commits", async () => {
    const pool = await open(1);
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = inTransaction(pool, async (client) => {
      await client.query("INSERT INTO counters VALUES ('t', 1)");
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await pool.query("SELECT n FROM counters WHERE key = $1", ["t"])).rows).toEqual([]);
    release();
    await transaction;
    expect((await pool.query<{ n: number }>("SELECT n FROM counters WHERE key = $1", ["t"])).rows[0]!.n).toBe(1);
  });
});

describe.skipIf(testDatabaseUrl)("statements pipelined over a few connections (PostgreSQL)", () => {
  it.skip(skipReason, () => {});
});
