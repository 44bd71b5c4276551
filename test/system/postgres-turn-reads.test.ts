import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { numberedPlaceholders } from "../../core/store/audit-log-sql.ts";
import { subjectMatch, subjectWhere } from "../../core/store/pairing-sql.ts";
import { claimTurnCtes } from "../../core/store/postgres/inbox.ts";
import { createPostgresStore } from "../../core/store/postgres/index.ts";
import { newestMemoriesSql } from "../../core/store/postgres/memories.ts";
import { openSessionSql } from "../../core/store/postgres/sessions.ts";
import { lastCallSql } from "../../core/store/postgres/usage.ts";
import type { PairingSubject, Store } from "../../core/store/store.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";

interface PlanNode {
  "Node Type"?: string;
  "Relation Name"?: string;
  "Index Name"?: string;
  "Actual Rows"?: number;
  "Actual Loops"?: number;
  "Rows Removed by Filter"?: number;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

/**
 * A turn's statements read what the turn needs, however long the chats' histories grow. Measured on the generic plan
 * (the one a prepared statement settles on), which is where the planner, not knowing the chat, went astray.
 */
describe.skipIf(!testDatabaseUrl)("what a turn reads on PostgreSQL", () => {
  const schema = uniqueSchema();
  let store: Store | undefined;
  let client: pg.Client | undefined;

  /**
   * The indexes the scans of `table` went through, and the most rows one scan touched over its loops (returned or
   * filtered out; PostgreSQL rounds a loop's average down, so this may fall short by less than a row a loop).
   */
  async function readsOf(sql: string, args: unknown[], table: string) {
    await client!.query("BEGIN");
    try {
      await client!.query("DEALLOCATE ALL");
      await client!.query(`PREPARE measured AS ${sql}`);
      const literals = args.map((arg) => (arg === null ? "NULL" : client!.escapeLiteral(Array.isArray(arg) ? `{${arg.join(",")}}` : String(arg))));
      const { rows } = await client!.query<{ "QUERY PLAN": [{ Plan: PlanNode }] }>(`EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE measured(${literals.join(", ")})`);
      const scans = flatten(rows[0]!["QUERY PLAN"][0].Plan).filter((node) => node["Relation Name"] === table && node["Node Type"]!.endsWith("Scan"));
      return {
        indexes: [...new Set(scans.map((node) => node["Index Name"]))],
        mostRowsRead: Math.max(...scans.map((node) => node["Actual Rows"]! * node["Actual Loops"]! + (node["Rows Removed by Filter"] ?? 0))),
      };
    } finally {
      await client!.query("ROLLBACK");
    }
  }

  /** Seeds `table` with `insert`, without its triggers (the console's summaries), which would make the setup slow. */
  async function seedWithoutTriggers(table: string, insert: string) {
    await client!.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      await client!.query(insert);
    } finally {
      await client!.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
    await client!.query(`ANALYZE ${table}`);
  }

  beforeAll(async () => {
    store = await createPostgresStore(testDatabaseUrl!, { schema });
    client = new pg.Client({ connectionString: testDatabaseUrl, options: `-c search_path=${schema} -c plan_cache_mode=force_generic_plan` });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await store?.close();
    await dropSchema(testDatabaseUrl!, schema);
  });

  it("loads a chat's latest messages, not every chat's messages since its own last one", async () => {
    const quiet = await store!.sessions.current("web:quiet", 1_000, 200);
    await store!.sessions.append(quiet.id, [{ role: "user", text: "the one thing I said", createdAt: 1_000 }]);
    // 50 busy chats wrote 40,000 messages after the quiet chat's last one.
    await client!.query("INSERT INTO sessions (id, conversation_key, created_at) SELECT 'busy-' || n, 'web:busy-' || n, 2000 FROM generate_series(1, 50) AS n");
    await client!.query(
      "INSERT INTO session_messages (session_id, role, text, created_at) SELECT 'busy-' || (n % 50 + 1), 'user', 'message ' || n, 2000 + n FROM generate_series(1, 40000) AS n",
    );
    await client!.query("ANALYZE sessions, session_messages");

    const open = (conversationKey: string) => readsOf(openSessionSql(), [conversationKey, "new-session-id", 3_000, 200], "session_messages");
    expect(await open("web:quiet")).toEqual({ indexes: ["session_messages_by_session"], mostRowsRead: 1 });
    // A busy chat (800 messages of its own): its latest 200, not all of them sorted.
    expect(await open("web:busy-7")).toEqual({ indexes: ["session_messages_by_session"], mostRowsRead: 200 });
    const reopened = await store!.sessions.current("web:quiet", 3_000, 200);
    expect(reopened.id).toBe(quiet.id);
    expect(reopened.history.map((message) => message.text)).toEqual(["the one thing I said"]);
  });

  it("claims a chat's waiting messages without reading its answered ones", async () => {
    // 20 chats with 2,000 answered messages each, then one message waiting in chat 7.
    await seedWithoutTriggers(
      "inbox",
      `INSERT INTO inbox (key, conversation_key, message, status, received_at)
       SELECT 'web:' || n, 'web:chat-' || (n % 20), '{"segments":[]}', 'done', n FROM generate_series(1, 40000) AS n
       UNION ALL SELECT 'web:waiting', 'web:chat-7', '{"segments":[]}', 'queued', 50000`,
    );

    const claim = `WITH ${claimTurnCtes()} SELECT key FROM unfinished UNION ALL SELECT key FROM fresh`;
    expect(await readsOf(claim, ["web:chat-7", ["queued"], "turn-1", null], "inbox")).toEqual({ indexes: ["inbox_unfinished"], mostRowsRead: 1 });
    expect((await store!.inbox.claimQueued("web:chat-7")).map((row) => row.key)).toEqual(["web:waiting"]);
  });

  it("recalls a user's newest memories without reading everyone else's", async () => {
    await store!.memories.add({ id: "tea", owner: "user:web:quiet", text: "likes green tea", authorRef: "web:quiet", conversationKey: "web:quiet", createdAt: 1_000 });
    // 1,000 other users remembered 20,000 facts since.
    await client!.query(
      `INSERT INTO memories (id, owner, text, author_ref, conversation_key, created_at)
       SELECT 'fact-' || n, 'user:web:u' || (n % 1000), 'fact number ' || n, 'web:u' || (n % 1000), 'web:u' || (n % 1000), 2000 + n FROM generate_series(1, 20000) AS n`,
    );
    await client!.query("ANALYZE memories");

    const reads = await readsOf(newestMemoriesSql, [["user:web:quiet", "chat:web:quiet"], 20], "memories");
    expect(reads.indexes).toEqual(["memories_by_owner"]);
    expect(reads.mostRowsRead).toBeLessThanOrEqual(1);
    expect((await store!.memories.search(["user:web:quiet", "chat:web:quiet"], "what do I drink?", 20)).map((memory) => memory.id)).toEqual(["tea"]);
  });

  it("finds a chat's last model call for /status without reading every chat's calls", async () => {
    await store!.usage.record({ at: 1_000, userRef: "web:quiet", conversationKey: "web:quiet", model: "small-model", inputTokens: 1200, outputTokens: 30, cachedTokens: 0, costUsd: 0 });
    // 200 other chats made 20,000 calls since.
    await seedWithoutTriggers(
      "usage",
      `INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd)
       SELECT 2000 + n, 'web:u' || (n % 200), 'web:u' || (n % 200), 'other-model', 10, 1, 0, 0 FROM generate_series(1, 20000) AS n`,
    );

    const reads = await readsOf(lastCallSql, ["web:quiet"], "usage");
    expect(reads.indexes).toEqual(["usage_by_conversation"]);
    expect(reads.mostRowsRead).toBeLessThanOrEqual(1);
    expect(await store!.usage.lastCall("web:quiet")).toMatchObject({ model: "small-model", inputTokens: 1200 });
  });

  it("admits a paired sender or group without reading every pairing", async () => {
    const subject = { platform: "telegram", chatId: undefined, userId: "u7" };
    const group = { platform: "telegram", chatId: "-100500", userId: "anyone" };
    // 20,000 people and 20,000 groups paired before them.
    await client!.query(
      `INSERT INTO pairing (platform, chat_id, user_id, display_name, code, created_at, expires_at, last_sent_at, approved_at)
       SELECT 'telegram', CASE WHEN n % 2 = 0 THEN '' ELSE '-' || n END, 'p' || n, 'Someone', 'CODE' || n, n, n + 1, n, n + 1 FROM generate_series(1, 40000) AS n`,
    );
    for (const who of [subject, group]) {
      await store!.pairing.save({ ...who, displayName: "Ada", code: "ABCD2345", createdAt: 50_000, expiresAt: 60_000, lastSentAt: 50_000, approvedAt: 50_001 });
    }
    await client!.query("ANALYZE pairing");

    const readsFor = (who: PairingSubject) => {
      const { kind, params } = subjectMatch(who);
      return readsOf(numberedPlaceholders(`SELECT * FROM pairing WHERE ${subjectWhere[kind]}`), params, "pairing");
    };
    expect(await readsFor(subject)).toEqual({ indexes: ["pairing_by_user"], mostRowsRead: 1 });
    expect(await readsFor(group)).toEqual({ indexes: ["pairing_by_group"], mostRowsRead: 1 });
    expect(await store!.pairing.find(subject)).toMatchObject({ userId: "u7", approvedAt: 50_001 });
    expect(await store!.pairing.find(group)).toMatchObject({ chatId: "-100500", approvedAt: 50_001 });
  });
});

describe.skipIf(testDatabaseUrl)(skipReason, () => {
  it.skip("what a turn reads", () => {});
});
