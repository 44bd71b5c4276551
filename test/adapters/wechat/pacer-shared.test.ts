import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { accountSlot, createPacer, minuteSlot } from "../../../adapters/wechat/pacer.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { Store } from "../../../core/store/store.ts";

describe("the WeChat send pace across processes sharing a store", () => {
  const opened: Store[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Two processes on one store file, each with the account's pacer (as during a handover of its connection). */
  function twoProcesses(intervalMs: number) {
    const dir = mkdtempSync(join(tmpdir(), "pincer-pace-"));
    dirs.push(dir);
    const stores = [createSqliteStore(dir), createSqliteStore(dir)];
    opened.push(...stores);
    return stores.map((store) => createPacer({
      chatIntervalMs: intervalMs,
      accountIntervalMs: intervalMs,
      sendsPerMinute: 20,
      takeAccountSlot: accountSlot(store.rateLimits, "pace:wechat:wechat", intervalMs),
    }));
  }

  it("never lets two processes together send more than the per-minute cap in any window", async () => {
    const [sendsPerMinute, minuteMs] = [3, 600];
    const dir = mkdtempSync(join(tmpdir(), "pincer-pace-"));
    dirs.push(dir);
    const stores = [createSqliteStore(dir), createSqliteStore(dir)];
    opened.push(...stores);
    const [first, second] = stores.map((store) => createPacer({
      chatIntervalMs: 0,
      accountIntervalMs: 0,
      sendsPerMinute,
      minuteMs,
      takeMinuteSlot: minuteSlot(store.rateLimits, "sends:wechat:wechat", sendsPerMinute, minuteMs),
    }));
    const started: number[] = [];
    const send = async () => {
      started.push(Date.now());
    };
    const sends = Array.from({ length: 10 }, (_, index) => (index % 2 === 0 ? first! : second!).run(`chat-${index}`, send));
    await Promise.all(sends);
    expect(started).toHaveLength(10);
    started.sort((a, b) => a - b);
    // Any sendsPerMinute + 1 sends span more than the window (less some ms between the store counting a send and its start).
    for (let index = sendsPerMinute; index < started.length; index += 1) {
      expect(started[index]! - started[index - sendsPerMinute]!).toBeGreaterThanOrEqual(minuteMs - 50);
    }
  });

  it("never lets two processes send for the account within the interval", async () => {
    const intervalMs = 400;
    const [first, second] = twoProcesses(intervalMs);
    const started: number[] = [];
    const send = async () => {
      started.push(Date.now());
    };
    await Promise.all([first!.run("chat-1", send), second!.run("chat-2", send), first!.run("chat-3", send), second!.run("chat-4", send)]);
    started.sort((a, b) => a - b);
    const gaps = started.slice(1).map((at, index) => at - started[index]!);
    // The database's clock decides the slot; a few ms of rounding between it and this process's clock.
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(intervalMs - 5);
    expect(started).toHaveLength(4);
  });
});
