import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { createPostgresStore } from "../../core/store/postgres/index.ts";
import { schemaVersion } from "../../core/store/postgres/migrations.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import { conversationKey } from "../../core/types/conversation.ts";
import { directChat } from "../core/fixtures.ts";
import { dropSchema, skipReason, testDatabaseUrl, uniqueSchema } from "../support/postgres.ts";
import { tempDataDir } from "../support/web-chat-client.ts";

const run = promisify(execFile);
const t0 = Date.now();

function pincer(args: string[], env: Record<string, string>) {
  return run(process.execPath, ["bin/pincer.ts", ...args], { env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "silent", ...env } });
}

function schemaUrl(schema: string): string {
  const url = new URL(testDatabaseUrl!);
  url.searchParams.set("schema", schema);
  return url.toString();
}

describe.skipIf(!testDatabaseUrl)("pincer migrate, import-sqlite and doctor on PostgreSQL", () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(testDatabaseUrl!, schema);
  });

  it("migrates once, then finds the schema up to date; doctor reports the version", async () => {
    const schema = uniqueSchema();
    schemas.push(schema);
    const env = { DATA_DIR: tempDataDir(), DATABASE_URL: schemaUrl(schema) };
    expect((await pincer(["migrate"], env)).stdout).toMatch(
      new RegExp(`^Applied migration ${Array.from({ length: schemaVersion }, (_, index) => index + 1).join(", ")}; the schema is at version ${schemaVersion}\\.`),
    );
    expect((await pincer(["migrate"], env)).stdout).toMatch(new RegExp(`^The schema is up to date \\(version ${schemaVersion}\\)\\.`));
    const doctor = await pincer(["doctor"], env).catch((error: { stdout: string }) => error);
    expect(doctor.stdout).toMatch(new RegExp(`ok {3}store: PostgreSQL reached, schema version ${schemaVersion}; no lease held`));
    expect(doctor.stdout).toContain("ok   knowledge bases: none; embeddings off");
    // The knowledge bases doctor lists are PostgreSQL's, not those of a SQLite file in DATA_DIR.
    const store = await createPostgresStore(schemaUrl(schema));
    try {
      await store.knowledge.put(
        { kb: "wiki", source: "/docs/guide.md", title: "Guide", sizeBytes: 40, addedAt: t0, embeddingModel: undefined },
        [{ section: "Deploying", text: "Deploy from the release branch.", embedding: undefined }],
      );
    } finally {
      await store.close();
    }
    const again = await pincer(["doctor"], env).catch((error: { stdout: string }) => error);
    expect(again.stdout).toContain("ok   knowledge bases: wiki (1 documents, 1 passages, 1 KB); embeddings off");
  }, 60_000);

  it("copies a SQLite store with sessions, usage, pairings, choices, ACP session ids, jobs, memories and knowledge, and the conversation goes on", async () => {
    const dataDir = tempDataDir();
    const sqlite = createSqliteStore(dataDir);
    const key = conversationKey(directChat);
    const session = await sqlite.sessions.current(key, t0, 50);
    await sqlite.sessions.append(session.id, [
      { role: "user", text: "remember the blue door", createdAt: t0 },
      { role: "assistant", text: "noted: the blue door", createdAt: t0 + 1 },
    ]);
    await sqlite.sessions.saveSummary(session.id, "a door", 0);
    await sqlite.usage.record({ at: t0, userRef: "telegram:1", conversationKey: key, model: "m", inputTokens: 10, outputTokens: 5, cachedTokens: 0, costUsd: 0.25 });
    await sqlite.pairing.save({
      platform: "telegram", chatId: undefined, userId: "7", displayName: "Bo", code: "ABCD1234", createdAt: t0, expiresAt: t0 + 3_600_000, lastSentAt: t0, approvedAt: undefined,
    });
    await sqlite.choices.set(key, { agent: "builtin", model: "m2" }, t0);
    await sqlite.agentSessions.set("acp", key, "acp-session-1");
    await sqlite.inbox.insert({ id: "m1", conversation: directChat, sender: { id: "1", displayName: "Ada" }, segments: [{ type: "text", text: "hi" }], attachments: [] } as never, t0);
    await sqlite.jobs.create({
      id: "ab3cd", conversation: directChat, creatorRef: "telegram:1", creatorName: "Ada", prompt: "water the plants", schedule: { type: "every", intervalMs: 60_000 },
      timezone: "Asia/Shanghai", state: "active", nextRunAt: t0 + 60_000, isBackground: true, secretHash: "f00d", createdAt: t0, lastRun: undefined, runCount: 0,
    });
    await sqlite.jobs.setTimezone("telegram:1", "Asia/Shanghai", t0);
    await sqlite.memories.add({ id: "mem1", owner: "user:telegram:1", text: "我们从发布分支部署", authorRef: "telegram:1", conversationKey: key, createdAt: t0 });
    await sqlite.knowledge.put(
      { kb: "default", source: "/docs/guide.md", title: "Guide", sizeBytes: 40, addedAt: t0, embeddingModel: "fake-embed" },
      [{ section: "Deploying", text: "Deploy from the release branch.", embedding: [0.5, 0.25, 0] }],
    );
    sqlite.close();

    const schema = uniqueSchema();
    schemas.push(schema);
    const env = { DATA_DIR: tempDataDir(), DATABASE_URL: schemaUrl(schema) };
    const imported = await pincer(["import-sqlite", dataDir], env);
    expect(imported.stdout).toContain(`Imported ${join(dataDir, "pincer.db")}: inbox 1, outbox 0, sessions 1, session_messages 2`);
    // Twice would duplicate everything: refused.
    await expect(pincer(["import-sqlite", dataDir], env)).rejects.toMatchObject({ stderr: expect.stringMatching(/already has inbox rows/) });

    const store = await createPostgresStore(testDatabaseUrl!, { schema });
    try {
      const current = await store.sessions.current(key, t0 + 10, 50);
      expect(current.id).toBe(session.id);
      expect(current.summary).toBe("a door");
      expect(current.history.map((message) => message.text)).toEqual(["remember the blue door", "noted: the blue door"]);
      // The conversation goes on: new messages follow the imported ones.
      await store.sessions.append(current.id, [{ role: "user", text: "which door?", createdAt: t0 + 20 }]);
      expect((await store.sessions.history(key, 50)).map((message) => message.text)).toEqual(["remember the blue door", "noted: the blue door", "which door?"]);
      expect(await store.usage.totals({ userRef: "telegram:1" }, 0)).toEqual({ calls: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.25 });
      expect((await store.pairing.approve("telegram", "abcd1234", t0 + 5))?.userId).toBe("7");
      expect(await store.choices.get(key)).toEqual({ agent: "builtin", model: "m2" });
      expect(await store.agentSessions.get("acp", key)).toBe("acp-session-1");
      expect(await store.inbox.insert({ id: "m1", conversation: directChat } as never, t0)).toBe(false);
      expect(await store.jobs.get("ab3cd")).toMatchObject({ prompt: "water the plants", isBackground: true, secretHash: "f00d", nextRunAt: t0 + 60_000 });
      expect(await store.jobs.timezone("telegram:1")).toBe("Asia/Shanghai");
      expect((await store.jobs.claimDue(t0 + 60_000, 60_000, 10)).map((claim) => claim.job.id)).toEqual(["ab3cd"]);
      expect((await store.memories.search(["user:telegram:1"], "从哪个发布分支部署?", 1)).map((record) => record.id)).toEqual(["mem1"]);
      await store.memories.add({ id: "mem2", owner: "user:telegram:1", text: "tea", authorRef: "telegram:1", conversationKey: key, createdAt: t0 + 1 });
      expect((await store.memories.list(["user:telegram:1"])).map((record) => record.id)).toEqual(["mem1", "mem2"]);
      expect((await store.knowledge.search(["default"], "deploy", 5)).map((passage) => passage.section)).toEqual(["Deploying"]);
      expect((await store.knowledge.nearest(["default"], [1, 0.5, 0], 1))[0]?.score).toBeCloseTo(1, 5);
    } finally {
      await store.close();
    }
  }, 60_000);
});

describe.skipIf(testDatabaseUrl)("pincer migrate, import-sqlite and doctor on PostgreSQL", () => {
  it.skip(skipReason, () => {});
});
