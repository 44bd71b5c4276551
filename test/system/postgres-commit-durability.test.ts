import { afterEach, describe, expect, it } from "vitest";
import type pg from "pg";
import { createPool } from "../../core/store/postgres/database.ts";
import { createPostgresInbox } from "../../core/store/postgres/inbox.ts";
import { migrate } from "../../core/store/postgres/migrations.ts";
import { message } from "../core/fixtures.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";

const setting = async (pool: pg.Pool) => (await pool.query<{ synchronous_commit: string }>("SHOW synchronous_commit")).rows[0]!.synchronous_commit;

describe.skipIf(!testDatabaseUrl)("which commits wait for the disk on PostgreSQL", () => {
  const pools: pg.Pool[] = [];
  let schema: string | undefined;
  afterEach(async () => {
    for (const pool of pools.splice(0)) await pool.end();
    if (schema) await dropSchema(testDatabaseUrl!, schema);
    schema = undefined;
  });

  it("inserts inbound messages on connections whose commits wait for the disk, and the rest on ones that do not", async () => {
    schema = uniqueSchema();
    const work = createPool(testDatabaseUrl!, { schema, isCommitSynchronous: false });
    const durable = createPool(testDatabaseUrl!, { schema, max: 2 });
    pools.push(work, durable);
    await migrate(work, schema);
    expect([await setting(work), await setting(durable)]).toEqual(["off", "on"]);

    const used: string[] = [];
    for (const [name, pool] of [["work", work], ["durable", durable]] as const) {
      const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
      (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        used.push(`${name}: ${String(args[0]).trim().split(/\s+/).slice(0, 3).join(" ")}`);
        return query(...args);
      };
    }
    const inbox = createPostgresInbox(work, durable);
    expect(await inbox.insert(message({ id: "1" }), Date.now())).toBe(true);
    await inbox.setStatus(["telegram:1"], "queued");
    expect(used).toEqual(["durable: INSERT INTO inbox", "work: UPDATE inbox SET"]);
  });
});

describe.skipIf(testDatabaseUrl)(skipReason, () => {
  it.skip("which commits wait for the disk", () => {});
});
