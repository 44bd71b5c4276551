import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import { migrate, schemaVersion } from "../../../core/store/sqlite/migrations.ts";
import { subjectWhere } from "../../../core/store/pairing-sql.ts";
import { conversationKey } from "../../../core/types/conversation.ts";
import { directChat, message } from "../fixtures.ts";

const t0 = 1_700_000_000_000;
const chatKey = conversationKey(directChat);

describe("the database file", () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), "pincer-store-"));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it("keeps its data when reopened", async () => {
    const first = createSqliteStore(dataDir);
    await first.inbox.insert(message({ id: "1" }), t0);
    const session = await first.sessions.current(chatKey, t0, 10);
    await first.sessions.append(session.id, [{ role: "user", text: "remember me", createdAt: t0 }]);
    first.close();

    const reopened = createSqliteStore(dataDir);
    try {
      expect(await reopened.inbox.insert(message({ id: "1" }), t0)).toBe(false);
      const again = await reopened.sessions.current(chatKey, t0 + 1, 10);
      expect(again.id).toBe(session.id);
      expect(again.history.map((entry) => entry.text)).toEqual(["remember me"]);
    } finally {
      reopened.close();
    }
  });

  it("keeps the approved pairings of people when pairing rows gain a group's chat id", async () => {
    const old = new DatabaseSync(join(dataDir, "pincer.db"));
    migrate(old, 4);
    old.prepare("INSERT INTO pairing VALUES ('telegram', 'u1', 'Ada', 'ABCDEFGH', ?, ?, ?, ?)").run(t0, t0 + 1, t0, t0);
    old.close();
    const reopened = createSqliteStore(dataDir);
    try {
      expect(await reopened.pairing.find({ platform: "telegram", chatId: undefined, userId: "u1" })).toMatchObject({ displayName: "Ada", approvedAt: t0 });
      expect(await reopened.pairing.find({ platform: "telegram", chatId: "u1", userId: "u1" })).toBeUndefined();
    } finally {
      reopened.close();
    }
  });

  it("looks up a sender's or a group's pairing through its index, not by reading every pairing", () => {
    createSqliteStore(dataDir).close();
    const database = new DatabaseSync(join(dataDir, "pincer.db"));
    try {
      const planOf = (where: string) => (database.prepare(`EXPLAIN QUERY PLAN SELECT * FROM pairing WHERE ${where}`).all() as { detail: string }[]).map((row) => row.detail);
      expect(planOf(subjectWhere.person)).toEqual(["SEARCH pairing USING INDEX pairing_by_user (platform=? AND user_id=?)"]);
      expect(planOf(subjectWhere.group)).toEqual(["SEARCH pairing USING INDEX pairing_by_group (platform=? AND chat_id=?)"]);
    } finally {
      database.close();
    }
  });

  it("reports the usage recorded before the console's daily totals existed", async () => {
    const old = new DatabaseSync(join(dataDir, "pincer.db"));
    migrate(old, schemaVersion - 1);
    const insert = old.prepare("INSERT INTO usage (at, user_ref, conversation_key, model, input_tokens, output_tokens, cached_tokens, cost_usd) VALUES (?, 'telegram:u1', 'telegram:1', 'm', ?, 1, 0, 0.5)");
    insert.run(t0, 10);
    insert.run(t0 + 1, 20);
    old.close();
    const reopened = createSqliteStore(dataDir);
    try {
      await reopened.usage.record({ at: t0 + 2, userRef: "telegram:u1", conversationKey: "telegram:1", model: "m", inputTokens: 30, outputTokens: 1, cachedTokens: 0, costUsd: 0.5 });
      expect(await reopened.usage.breakdown("user", t0, 10)).toEqual([{ key: "telegram:u1", calls: 3, inputTokens: 60, outputTokens: 3, costUsd: 1.5 }]);
    } finally {
      reopened.close();
    }
  });

  it("is at the latest schema version, also after reopening", () => {
    createSqliteStore(dataDir).close();
    createSqliteStore(dataDir).close();
    const database = new DatabaseSync(join(dataDir, "pincer.db"));
    try {
      const { user_version } = database.prepare("PRAGMA user_version").get() as { user_version: number };
      expect(schemaVersion).toBeGreaterThan(0);
      expect(user_version).toBe(schemaVersion);
    } finally {
      database.close();
    }
  });
});
