import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createRetention, dedupeGraceMs } from "../../core/retention.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { PruneCutoffs, Store } from "../../core/store/store.ts";
import { conversationKey } from "../../core/types/conversation.ts";
import { recordingLogger } from "../support/recording-logger.ts";
import { directChat, message } from "./fixtures.ts";

const dayMs = 24 * 60 * 60 * 1000;
const now = 1_800_000_000_000;
const old = now - 91 * dayMs;
const recent = now - 89 * dayMs;
const chatKey = conversationKey(directChat);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(retentionDays = 90) {
  const dir = mkdtempSync(join(tmpdir(), "pincer-retention-"));
  const store = createSqliteStore(dir);
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const uploads = join(dir, "uploads");
  const voice = join(dir, "voice");
  mkdirSync(uploads);
  mkdirSync(voice);
  const file = (folder: string, name: string, at: number) => {
    const path = join(folder, name);
    writeFileSync(path, "x");
    utimesSync(path, at / 1000, at / 1000);
    return path;
  };
  const retention = createRetention({ retentionDays, store: store.retention, fileDirs: [uploads, voice], logger: recordingLogger(), now: () => now });
  return { store, retention, uploads, voice, file };
}

async function addTurn(store: Store, id: string, at: number) {
  await store.inbox.insert(message({ id, text: `secret text ${id}` }), at);
  await store.inbox.setStatus([`telegram:${id}`], "done");
  const session = await store.sessions.current(chatKey, at, 10);
  await store.sessions.append(session.id, [{ role: "user", text: `secret text ${id}`, createdAt: at }]);
  await store.audit.startRun({ ref: `run-${id}`, conversationKey: chatKey, sessionId: session.id, senderId: "u", agentId: "llm", inboxKeys: [`telegram:${id}`], startedAt: at });
  await store.audit.recordEvent(`run-${id}`, at, "tool-call", { summary: `cat secret-${id}` });
  await store.audit.finishRun(`run-${id}`, "ok", at);
  const reply = { type: "markdown" as const, text: `secret answer ${id}` };
  await store.outbox.markSent({ key: `reply-${id}`, conversation: directChat, part: reply }, "m1", at);
  await store.traces.append([{ traceKey: `telegram:${id}`, name: "store", startedAt: at, endedAt: at + 1, status: "ok", attributes: {} }]);
}

describe("retention", () => {
  it("prunes messages, run events and files older than PINCER_RETENTION_DAYS and keeps newer ones", async () => {
    const { store, retention, uploads, voice, file } = setup();
    await addTurn(store, "old", old);
    await addTurn(store, "new", recent);
    const oldUpload = file(uploads, "old-upload", old);
    const newUpload = file(uploads, "new-upload", recent);
    const oldVoice = file(voice, "old.ogg", old);

    const report = await retention.pruneOnce();
    expect(report).toMatchObject({ inboxBodies: 1, inboxKeys: 0, runs: 1, runEvents: 1, sessionMessages: 1, outbox: 1, traceSpans: 1, files: 2 });
    expect(await store.traces.list("telegram:old")).toEqual([]);
    expect(await store.traces.list("telegram:new")).toHaveLength(1);
    expect(await store.outbox.get("reply-old")).toBeUndefined();
    expect(await store.outbox.get("reply-new")).toBeDefined();
    expect(await store.audit.events("run-old")).toEqual([]);
    expect(await store.audit.events("run-new")).toHaveLength(1);
    const history = await store.sessions.history(chatKey, 10);
    expect(history.map((entry) => entry.text)).toEqual(["secret text new"]);
    expect([existsSync(oldUpload), existsSync(newUpload), existsSync(oldVoice)]).toEqual([false, true, false]);
  });

  it("keeps a pruned message's key for a week more, so a late redelivery is still a duplicate", async () => {
    const { store, retention } = setup();
    await addTurn(store, "kept-key", old);
    await retention.pruneOnce();
    expect(await store.inbox.insert(message({ id: "kept-key" }), now)).toBe(false);

    await store.inbox.insert(message({ id: "gone" }), old - dedupeGraceMs);
    await store.inbox.setStatus(["telegram:gone"], "done");
    await store.inbox.insert(message({ id: "waiting" }), old - dedupeGraceMs);
    expect((await retention.pruneOnce())?.inboxKeys).toBe(1);
    // A message never run (still received) is recovered after a restart, whatever its age.
    expect((await store.inbox.recover()).received.map((row) => row.message.id)).toEqual(["waiting"]);
  });

  it("keeps everything when PINCER_RETENTION_DAYS is 0", async () => {
    const { store, retention, uploads, file } = setup(0);
    await addTurn(store, "old", old);
    const upload = file(uploads, "old-upload", old);
    expect(await retention.pruneOnce()).toBeUndefined();
    expect(await store.audit.events("run-old")).toHaveLength(1);
    expect(existsSync(upload)).toBe(true);
  });

  it("runs at start and then daily until stopped", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const prune = vi.fn(async (_cutoffs: PruneCutoffs) => ({ inboxBodies: 0, inboxKeys: 0, runs: 0, runEvents: 0, sessionMessages: 0, sessions: 0, outbox: 0, approvals: 0, traceSpans: 0, storedFiles: 0 }));
      const retention = createRetention({ retentionDays: 90, store: { prune }, fileDirs: [], logger: recordingLogger(), now: () => now });
      retention.start();
      expect(prune).toHaveBeenCalledTimes(1);
      expect(prune.mock.calls[0]![0]).toEqual({ before: now - 90 * dayMs, inboxKeysBefore: now - 90 * dayMs - dedupeGraceMs, storedFilesBefore: now - dayMs });
      vi.advanceTimersByTime(dayMs);
      expect(prune).toHaveBeenCalledTimes(2);
      await retention.stop();
      vi.advanceTimersByTime(3 * dayMs);
      expect(prune).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
