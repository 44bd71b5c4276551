import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import { migrate, schemaVersion } from "../../../core/store/sqlite/migrations.ts";
import type { Store } from "../../../core/store/store.ts";
import { conversationKey } from "../../../core/types/conversation.ts";
import { directChat, groupChat, message } from "../fixtures.ts";

const t0 = 1_700_000_000_000;
const chatKey = conversationKey(directChat);

let store: Store;
beforeEach(() => {
  store = createSqliteStore(":memory:");
});
afterEach(() => store.close());

describe("inbox", () => {
  it("records a message once per (platform, id)", async () => {
    expect(await store.inbox.insert(message({ id: "1" }), t0)).toBe(true);
    expect(await store.inbox.insert(message({ id: "1", text: "retry" }), t0 + 1)).toBe(false);
  });

  it("keeps the same id from another platform apart", async () => {
    expect(await store.inbox.insert(message({ id: "1" }), t0)).toBe(true);
    const slack = message({ id: "1", conversation: { ...directChat, platform: "slack" } });
    expect(await store.inbox.insert(slack, t0)).toBe(true);
  });

  it("claims queued messages in arrival order and marks them running", async () => {
    for (const id of ["b", "a", "c"]) await store.inbox.insert(message({ id, text: id }), t0);
    await store.inbox.insert(message({ id: "g", conversation: groupChat }), t0);
    await store.inbox.setStatus(["telegram:b", "telegram:a", "telegram:c", "telegram:g"], "queued");

    const claimed = await store.inbox.claimQueued(chatKey);
    expect(claimed.map((row) => row.message.id)).toEqual(["b", "a", "c"]);
    expect(claimed.every((row) => row.status === "running")).toBe(true);
    expect(await store.inbox.hasQueued(chatKey)).toBe(false);
    expect(await store.inbox.claimQueued(chatKey)).toEqual([]);
    expect(await store.inbox.countQueued()).toBe(1);
  });

  it("does not keep the raw platform payload", async () => {
    await store.inbox.insert(message({ id: "1", raw: { huge: "x".repeat(1000) } }), t0);
    await store.inbox.setStatus(["telegram:1"], "queued");
    const [row] = await store.inbox.claimQueued(chatKey);
    expect(row?.message.raw).toBeUndefined();
    expect(row?.message.segments).toEqual([{ type: "text", text: "hello" }]);
  });

  it("after a crash, puts running messages back in the queue and returns received ones", async () => {
    for (const id of ["1", "2", "3", "4"]) await store.inbox.insert(message({ id }), t0);
    await store.inbox.setStatus(["telegram:1"], "queued");
    await store.inbox.claimQueued(chatKey);
    await store.inbox.setStatus(["telegram:2"], "done");
    await store.inbox.setStatus(["telegram:3"], "ignored");

    const recovered = await store.inbox.recover();
    expect(recovered.received.map((row) => row.message.id)).toEqual(["4"]);
    expect(recovered.queuedConversations).toEqual([chatKey]);
    expect((await store.inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1"]);
  });
});

describe("inbox across a crash", () => {
  const queue = async (...ids: string[]) => {
    for (const id of ids) await store.inbox.insert(message({ id, text: id }), t0);
    await store.inbox.setStatus(ids.map((id) => `telegram:${id}`), "queued");
  };

  it("runs an interrupted turn again with exactly its rows, before messages that queued after it", async () => {
    await queue("1", "2");
    expect((await store.inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1", "2"]);
    await queue("3");
    await store.inbox.recover();
    // The same rows, so the same first key and the same outbox keys: what was sent is found, not sent again.
    expect((await store.inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1", "2"]);
    expect((await store.inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["3"]);
  });

  it("keeps the interrupted turn apart from a message received before it but queued only after the restart", async () => {
    await store.inbox.insert(message({ id: "0", text: "0" }), t0);
    await queue("1");
    await store.inbox.claimQueued(chatKey);
    await store.inbox.recover();
    await store.inbox.setStatus(["telegram:0"], "queued");
    expect((await store.inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["1"]);
    expect((await store.inbox.claimQueued(chatKey)).map((row) => row.message.id)).toEqual(["0"]);
  });

  it("never moves a row back: a message processed twice cannot queue an answered turn again", async () => {
    await queue("1");
    await store.inbox.claimQueued(chatKey);
    await store.inbox.setStatus(["telegram:1"], "queued");
    expect(await store.inbox.hasQueued(chatKey)).toBe(false);
    await store.inbox.setStatus(["telegram:1"], "done");
    await store.inbox.setStatus(["telegram:1"], "queued");
    expect(await store.inbox.hasQueued(chatKey)).toBe(false);
    expect((await store.inbox.recover()).queuedConversations).toEqual([]);
  });

  it("leaves to live workers what they hold when recovering", async () => {
    await queue("1");
    await store.inbox.claimQueued(chatKey);
    await store.inbox.insert(message({ id: "2", conversation: groupChat }), t0);
    const recovered = await store.inbox.recover({ conversationKeys: [chatKey], messageKeys: ["telegram:2"] });
    expect(recovered).toEqual({ received: [], queuedConversations: [] });
    expect(await store.inbox.claimQueued(chatKey)).toEqual([]);
  });
});

describe("outbox claims", () => {
  const part = { type: "markdown" as const, text: "hi" };
  const item = { key: "run1:0", conversation: directChat, part };
  const leaseMs = 60_000;

  it("lets one worker send a part: a second claim finds it held until the lease ends", async () => {
    expect(await store.outbox.claim(item, t0, leaseMs)).toEqual({ type: "claimed", attempts: 0, wasUnknown: false });
    expect(await store.outbox.claim(item, t0 + 1, leaseMs)).toEqual({ type: "held", claimedUntil: t0 + leaseMs });
    expect(await store.outbox.claimDue(t0 + 1, 10, leaseMs)).toEqual([]);
    await store.outbox.markSent(item, "msg-1", t0 + 2);
    expect(await store.outbox.claim(item, t0 + 3, leaseMs)).toEqual({ type: "sent", messageId: "msg-1" });
  });

  it("marks a part whose sender died mid-send as unknown once its lease is released", async () => {
    await store.outbox.claim(item, t0, leaseMs);
    expect(await store.outbox.releaseLeases()).toBe(1);
    expect(await store.outbox.claim(item, t0 + 1, leaseMs)).toEqual({ type: "claimed", attempts: 0, wasUnknown: true });
  });

  it("hands a due part to one flush only, and a later part of the same reply only after the earlier one", async () => {
    await store.outbox.put("run1:0", directChat, part, t0);
    await store.outbox.put("run1:1", directChat, { type: "markdown", text: "more" }, t0);
    const first = await store.outbox.claimDue(t0, 10, leaseMs);
    expect(first.map((row) => row.key)).toEqual(["run1:0"]);
    expect(await store.outbox.claimDue(t0, 10, leaseMs)).toEqual([]);
    await store.outbox.markSent(item, "msg-1", t0);
    expect((await store.outbox.claimDue(t0, 10, leaseMs)).map((row) => row.key)).toEqual(["run1:1"]);
  });

  it("keeps the later parts of a reply back while an earlier part waits out a retry", async () => {
    await store.outbox.claim(item, t0, leaseMs);
    await store.outbox.markFailedAttempt(item, "429", t0 + 30_000, false, t0);
    await store.outbox.put("run1:1", directChat, { type: "markdown", text: "more" }, t0);
    expect(await store.outbox.claimDue(t0 + 1, 10, leaseMs)).toEqual([]);
    expect((await store.outbox.claimDue(t0 + 30_000, 10, leaseMs)).map((row) => row.key)).toEqual(["run1:0"]);
  });
});

describe("outbox", () => {
  const part = { type: "markdown" as const, text: "hi" };
  const item = { key: "run1:0", conversation: directChat, part };

  it("stores one row per key: a second put returns the same row", async () => {
    const first = await store.outbox.put("run1:0", directChat, part, t0);
    expect(first).toMatchObject({ key: "run1:0", status: "pending", attempts: 0, conversation: directChat, part });
    await store.outbox.markFailedAttempt(item, "502", t0 + 10, false, t0);
    const again = await store.outbox.put("run1:0", directChat, part, t0 + 5);
    expect(again).toEqual({ ...first, attempts: 1, lastError: "502", nextAttemptAt: t0 + 10 });
    expect(await store.outbox.due(t0 + 10, 10)).toHaveLength(1);
  });

  it("lets a pending part take the newer text, so a retry sends the latest", async () => {
    await store.outbox.put("run1:0", directChat, part, t0);
    const newer = { type: "markdown" as const, text: "hi, and more" };
    expect((await store.outbox.put("run1:0", directChat, newer, t0 + 5)).part).toEqual(newer);
  });

  it("remembers that a key was sent, with its message id", async () => {
    await store.outbox.markSent({ ...item, part: { type: "markdown", text: "hi there" } }, "msg-7", t0);
    expect(await store.outbox.put("run1:0", directChat, part, t0 + 1)).toMatchObject({
      status: "sent",
      messageId: "msg-7",
      part: { type: "markdown", text: "hi there" },
    });
    expect(await store.outbox.due(t0 + 1, 10)).toEqual([]);
    expect(await store.outbox.get("run1:0")).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("records a first failed attempt without an earlier put", async () => {
    await store.outbox.markFailedAttempt(item, "502", t0 + 10, false, t0);
    expect(await store.outbox.get("run1:0")).toMatchObject({ status: "pending", attempts: 1, part, conversation: directChat });
  });

  it("lists a failed part as due only once its next attempt time has come", async () => {
    await store.outbox.put("run1:0", directChat, part, t0);
    await store.outbox.markFailedAttempt(item, "429", t0 + 60_000, false, t0);
    expect(await store.outbox.due(t0 + 59_999, 10)).toEqual([]);
    expect(await store.outbox.due(t0 + 60_000, 10)).toMatchObject([{ key: "run1:0", attempts: 1, lastError: "429" }]);
  });

  it("never lists a part that failed for good", async () => {
    await store.outbox.put("run1:0", directChat, part, t0);
    await store.outbox.markFailedAttempt(item, "forbidden", t0, true, t0);
    expect(await store.outbox.due(t0 + 3_600_000, 10)).toEqual([]);
    expect((await store.outbox.put("run1:0", directChat, part, t0)).status).toBe("failed");
  });
});

describe("sessions", () => {
  it("current() opens a session and returns the same one until it ends", async () => {
    const first = await store.sessions.current(chatKey, t0, 10);
    expect(first).toMatchObject({ conversationKey: chatKey, createdAt: t0, history: [] });
    expect((await store.sessions.current(chatKey, t0 + 1000, 10)).id).toBe(first.id);

    await store.sessions.end(chatKey, t0 + 2000);
    const next = await store.sessions.current(chatKey, t0 + 3000, 10);
    expect(next.id).not.toBe(first.id);
    expect(next).toMatchObject({ createdAt: t0 + 3000, history: [] });
  });

  it("history() reads the open session's latest messages without opening one", async () => {
    expect(await store.sessions.history(chatKey, 10)).toEqual([]);
    expect((await store.sessions.current(chatKey, t0 + 5, 10)).createdAt).toBe(t0 + 5);
    const session = await store.sessions.current(chatKey, t0 + 6, 10);
    await store.sessions.append(session.id, [
      { role: "user", text: "hi", createdAt: t0 + 7 },
      { role: "assistant", text: "hello", createdAt: t0 + 8 },
    ]);
    expect((await store.sessions.history(chatKey, 1)).map((message) => message.text)).toEqual(["hello"]);
  });

  it("keeps sessions of different conversations apart", async () => {
    const direct = await store.sessions.current(chatKey, t0, 10);
    const group = await store.sessions.current(conversationKey(groupChat), t0, 10);
    expect(group.id).not.toBe(direct.id);
  });

  it("returns the most recent messages, oldest first, up to the history limit", async () => {
    const session = await store.sessions.current(chatKey, t0, 10);
    for (let index = 1; index <= 5; index += 1) {
      await store.sessions.append(session.id, [{ role: index % 2 ? "user" : "assistant", text: `m${index}`, createdAt: t0 + index }]);
    }
    const { history } = await store.sessions.current(chatKey, t0 + 10, 3);
    expect(history.map((entry) => entry.text)).toEqual(["m3", "m4", "m5"]);
    expect(history[0]).toEqual({ seq: 3, role: "user", text: "m3", createdAt: t0 + 3 });
    expect(await store.sessions.countMessages(session.id)).toBe(5);
  });

  it("keeps the running summary and leaves the messages it covers out of the history", async () => {
    const session = await store.sessions.current(chatKey, t0, 10);
    for (let index = 1; index <= 4; index += 1) {
      await store.sessions.append(session.id, [{ role: index % 2 ? "user" : "assistant", text: `m${index}`, createdAt: t0 + index }]);
    }
    const before = await store.sessions.current(chatKey, t0, 10);
    await store.sessions.saveSummary(session.id, "talked about m1 and m2", before.history[1]!.seq);
    const after = await store.sessions.current(chatKey, t0, 10);
    expect(after.summary).toBe("talked about m1 and m2");
    expect(after.history.map((entry) => entry.text)).toEqual(["m3", "m4"]);
  });
});

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
