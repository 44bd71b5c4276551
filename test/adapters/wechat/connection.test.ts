import { EventEmitter } from "node:events";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createConnection, type BotLike } from "../../../adapters/wechat/connection.ts";
import { createLogger } from "../../../core/logger.ts";
import { collectingLog } from "../../support/recording-logger.ts";

/** A wechaty bot as far as the connection sees it: start/stop calls are counted, events emitted by the test. */
function fakeBot(options: { failStarts?: number; isOffline?: boolean } = {}) {
  const emitter = new EventEmitter();
  let failStarts = options.failStarts ?? 0;
  const calls = { start: 0, stop: 0 };
  const bot = {
    on: (event: string, listener: Parameters<EventEmitter["on"]>[1]) => emitter.on(event, listener),
    async start() {
      calls.start += 1;
      if (failStarts > 0) {
        failStarts -= 1;
        throw new Error("puppet module crashed");
      }
      // Like wechat4u without a network: start() resolves, then errors pour in.
      if (options.isOffline) setTimeout(() => {
        for (let index = 0; index < 500; index++) emitter.emit("error", new Error("connect ECONNREFUSED wx.qq.com"));
      }, 10);
    },
    async stop() {
      calls.stop += 1;
      emitter.emit("logout", {}, "puppet stop()");
    },
  };
  return { bot: bot as unknown as BotLike, emit: (event: string, ...args: unknown[]) => emitter.emit(event, ...args), calls };
}

const user = { id: "wxid_bot", name: () => "Pincer" };

function connect(bot: BotLike) {
  const shown: string[] = [];
  const connection = createConnection(bot, {
    logger: createLogger({ level: "silent", secrets: [], destination: collectingLog().destination }),
    showQr: (qrcode) => shown.push(qrcode),
    initialRestartDelayMs: 1000,
    maxRestartDelayMs: 8000,
    // The restart delays carry jitter; with this source each lands on its full step.
    random: () => 0,
  });
  return { connection, shown };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the WeChat login lifecycle", () => {
  it("shows the QR code once while waiting for a scan, then is ready after login", async () => {
    const { bot, emit } = fakeBot();
    const { connection, shown } = connect(bot);
    await connection.start();
    emit("scan", "https://login.weixin.qq.com/l/abc==", 2);
    emit("scan", "https://login.weixin.qq.com/l/abc==", 2);
    expect(connection.health()).toEqual({ state: "starting", detail: "waiting for scan", loginQr: "https://login.weixin.qq.com/l/abc==" });
    expect(shown).toEqual(["https://login.weixin.qq.com/l/abc=="]);
    emit("scan", "", 3);
    expect(connection.health()).toMatchObject({ state: "starting", detail: expect.stringContaining("scanned") });
    emit("login", user);
    expect(connection.health()).toEqual({ state: "ready" });
    expect(connection.self()).toEqual({ id: "wxid_bot", name: "Pincer" });
    await connection.stop();
  });

  it("reports a logout as an error and restarts after a delay that doubles", async () => {
    const { bot, emit, calls } = fakeBot();
    const { connection } = connect(bot);
    await connection.start();
    emit("login", user);
    emit("logout", user, "kicked out by the phone");
    expect(connection.health()).toMatchObject({ state: "error", detail: expect.stringContaining("logged out: kicked out by the phone") });
    expect(calls.start).toBe(1);
    await vi.advanceTimersByTimeAsync(999);
    expect(calls.start).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls).toEqual({ start: 2, stop: 1 });
    expect(connection.health().state).toBe("starting");
    emit("error", new Error("network unreachable"));
    expect(connection.health()).toMatchObject({ state: "error", detail: expect.stringContaining("network unreachable") });
    await vi.advanceTimersByTimeAsync(1999);
    expect(calls.start).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.start).toBe(3);
    emit("login", user);
    expect(connection.health()).toEqual({ state: "ready" });
    await connection.stop();
  });

  it("folds a storm of puppet errors into one restart, never a tight loop", async () => {
    const { bot, calls } = fakeBot({ isOffline: true });
    const { connection } = connect(bot);
    await connection.start();
    await vi.advanceTimersByTimeAsync(60_000);
    // 500 errors after every start, yet restarts only after 1, 2, 4, 8, 8, 8... s: 10 starts in a minute.
    expect(calls.start).toBe(10);
    expect(connection.health()).toMatchObject({ state: "error", detail: expect.stringContaining("ECONNREFUSED") });
    await connection.stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries a puppet that fails to start, and keeps the failure on health meanwhile", async () => {
    const { bot, emit, calls } = fakeBot({ failStarts: 2 });
    const { connection } = connect(bot);
    await connection.start();
    expect(connection.health()).toMatchObject({ state: "error", detail: expect.stringContaining("puppet module crashed") });
    await vi.advanceTimersByTimeAsync(1000 + 2000);
    expect(calls.start).toBe(3);
    emit("login", user);
    expect(connection.health().state).toBe("ready");
    await connection.stop();
  });

  it("keeps the session after an error while logged in (a re-login is a risk signal)", async () => {
    const { bot, emit, calls } = fakeBot();
    const { connection } = connect(bot);
    await connection.start();
    emit("login", user);
    emit("error", new Error("contact payload timeout"));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(connection.health()).toEqual({ state: "ready" });
    expect(calls.start).toBe(1);
    await connection.stop();
  });

  it("stops without a pending restart and ignores its own logout", async () => {
    const { bot, emit, calls } = fakeBot();
    const { connection } = connect(bot);
    await connection.start();
    emit("logout", user, "network");
    await connection.stop();
    expect(connection.health()).toEqual({ state: "stopped" });
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls.start).toBe(1);
  });

  it("shows degraded while wechaty's watchdog resets a puppet that stopped sending heartbeats, and ready at the next heartbeat", async () => {
    const { bot, emit, calls } = fakeBot();
    const { connection } = connect(bot);
    await connection.start(0);
    emit("login", user);
    expect(connection.health()).toEqual({ state: "ready" });
    emit("error", new Error('WatchdogAgent reset: lastFood: "{}"'));
    expect(connection.health().state).toBe("degraded");
    emit("heartbeat", { data: "back" });
    expect(connection.health()).toEqual({ state: "ready" });
    expect(calls.start).toBe(1);
    await connection.stop();
  });
});
