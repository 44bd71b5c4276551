import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresStore } from "../../core/store/postgres/index.ts";
import { currentVersion, schemaVersion } from "../../core/store/postgres/migrations.ts";
import type { Store } from "../../core/store/store.ts";
import { conversationKey, type ConversationRef } from "../../core/types/conversation.ts";
import { directChat, message } from "../core/fixtures.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";

const t0 = 1_700_000_000_000;

// What only a shared store has to get right: several processes at once on one database.
describe.skipIf(!testDatabaseUrl)("postgres store, several processes", () => {
  const url = testDatabaseUrl!;
  const opened: Store[] = [];
  const schemas: string[] = [];
  const open = async (schema: string) => {
    const store = await createPostgresStore(url, { schema, max: 4 });
    opened.push(store);
    return store;
  };
  const freshSchema = () => {
    const schema = uniqueSchema();
    schemas.push(schema);
    return schema;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) await dropSchema(url, schema);
  });

  it("migrates once when several processes start at the same moment", async () => {
    const schema = freshSchema();
    const stores = await Promise.all([1, 2, 3, 4, 5].map(() => open(schema)));
    expect(stores).toHaveLength(5);
    const pool = new pg.Pool({ connectionString: url });
    try {
      expect(await currentVersion(pool, schema)).toBe(schemaVersion);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${schema}.pincer_schema`);
      expect(rows[0].n).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it("refuses a schema newer than this Pincer knows", async () => {
    const schema = freshSchema();
    await open(schema);
    const pool = new pg.Pool({ connectionString: url });
    try {
      await pool.query(`UPDATE ${schema}.pincer_schema SET version = version + 1`);
    } finally {
      await pool.end();
    }
    await expect(open(schema)).rejects.toThrow(/newer than this Pincer knows/);
  });

  it("answers a message id repeated within one batch as new once", async () => {
    const store = await open(freshSchema());
    const results = await Promise.all([store.inbox.insert(message({ id: "1" }), t0), store.inbox.insert(message({ id: "1" }), t0)]);
    expect(results).toEqual([true, false]);
  });

  it("gives a part claimed by two processes at once to one of them", async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)];
    const claims = await Promise.all(
      Array.from({ length: 20 }, (_, index) => {
        const item = { key: `run:${index % 5}`, conversation: directChat, part: { type: "markdown" as const, text: "hi" } };
        return (index % 2 === 0 ? a : b).outbox.claim(item, t0, 60_000);
      }),
    );
    expect(claims.filter((claim) => claim.type === "claimed")).toHaveLength(5);
    expect(claims.filter((claim) => claim.type === "held")).toHaveLength(15);
  });

  it("hands every due part to exactly one of several flushing processes, each conversation in order", async () => {
    const schema = freshSchema();
    const stores = [await open(schema), await open(schema), await open(schema)];
    const chats: ConversationRef[] = Array.from({ length: 10 }, (_, index) => ({ platform: "telegram", chatId: String(index), kind: "direct" }));
    for (let round = 0; round < 3; round += 1) {
      for (const chat of chats) await stores[0]!.outbox.put(`${chat.chatId}:${round}`, chat, { type: "markdown", text: `${round}` }, t0 + round);
    }
    const taken: string[] = [];
    // Each process sends what it claimed, then claims again, until nothing is due.
    await Promise.all(
      stores.map(async (store) => {
        for (let claimed = await store.outbox.claimDue(t0 + 10, 4, 60_000); claimed.length > 0; claimed = await store.outbox.claimDue(t0 + 10, 4, 60_000)) {
          for (const row of claimed) {
            taken.push(row.key);
            await store.outbox.markSent(row, `m-${row.key}`, t0 + 10);
          }
        }
      }),
    );
    expect([...taken].sort()).toEqual(chats.flatMap((chat) => [0, 1, 2].map((round) => `${chat.chatId}:${round}`)).sort());
    for (const chat of chats) {
      const order = taken.filter((key) => key.startsWith(`${chat.chatId}:`));
      expect(order).toEqual([0, 1, 2].map((round) => `${chat.chatId}:${round}`));
    }
  });

  it("leaves running rows alone at another process's recovery while their conversation's lease is live", async () => {
    const schema = freshSchema();
    const [a, b] = [await open(schema), await open(schema)];
    const key = conversationKey(directChat);
    await a.inbox.insert(message({ id: "1" }), t0);
    await a.inbox.setStatus(["telegram:1"], "queued");
    expect(await a.leases.acquire(key, "process-a", 60_000)).toBe(true);
    expect(await a.inbox.claimQueued(key)).toHaveLength(1);

    const recovered = await b.inbox.recover({ conversationKeys: [], messageKeys: [] });
    expect(recovered.queuedConversations).toEqual([]);
    expect(await b.inbox.claimQueued(key)).toEqual([]);

    // The holder died: its lease ran out, and the next recovery hands its turn over whole.
    await a.leases.release(key, "process-a");
    expect((await b.inbox.recover({ conversationKeys: [], messageKeys: [] })).queuedConversations).toEqual([key]);
    expect((await b.inbox.claimQueued(key)).map((row) => row.key)).toEqual(["telegram:1"]);
  });
});

describe.skipIf(testDatabaseUrl)("postgres store", () => {
  it.skip(skipReason, () => {});
});
