import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Gateway } from "../../gateway/gateway.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";
import { openWebChat, startTestGateway } from "../support/web-chat-client.ts";

const hourMs = 3_600_000;

describe.skipIf(!testDatabaseUrl)("a gateway on PostgreSQL whose machine's clock is an hour fast", () => {
  let gateway: Gateway | undefined;
  let schema: string | undefined;
  afterEach(async () => {
    await gateway?.stop();
    vi.useRealTimers();
    if (schema) await dropSchema(testDatabaseUrl!, schema);
    gateway = schema = undefined;
  });

  it("times its reply parts' claims by the database's clock, as every other process does", async () => {
    schema = uniqueSchema();
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set("schema", schema);
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(Date.now() + hourMs);
    ({ gateway } = await startTestGateway({ DATABASE_URL: url.toString() }));
    const chat = await openWebChat(gateway);
    expect((await chat.say("/echo on the database's time")).status).toBe(202);
    await chat.waitFor(() => chat.texts().some((text) => text.includes("on the database's time")), 20_000);
    await gateway.pipeline.idle();

    const client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ next_attempt_at: string; database_now: string }>(
        `SELECT next_attempt_at::text, (extract(epoch from clock_timestamp()) * 1000)::bigint::text AS database_now FROM ${schema}.outbox`,
      );
      expect(rows.length).toBeGreaterThan(0);
      // Written with this machine's clock, a part's times would be an hour ahead: another process would see its claim
      // last an hour longer (or run out an hour early, on a slow clock).
      for (const row of rows) expect(Math.abs(Number(row.next_attempt_at) - Number(row.database_now))).toBeLessThan(60_000);
    } finally {
      await client.end();
    }
  }, 60_000);
});

describe.skipIf(testDatabaseUrl)(skipReason, () => {
  it.skip("reply claims on the database's clock", () => {});
});
