import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createPacer } from "../../../adapters/wechat/pacer.ts";
import { BridgeError } from "../../../core/types/errors.ts";

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Sends that record when they started, as the account would see them. */
function recorder() {
  const started: { label: string; atMs: number }[] = [];
  const send = (label: string) => async () => {
    started.push({ label, atMs: Date.now() });
    return label;
  };
  return { started, send };
}

describe("the WeChat send pacer", () => {
  it("sends one message per interval to the same chat, in order", async () => {
    const pacer = createPacer({ chatIntervalMs: 1000, accountIntervalMs: 1000, sendsPerMinute: 20 });
    const { started, send } = recorder();
    const results = Promise.all(["a", "b", "c"].map((label) => pacer.run("chat-1", send(label))));
    await vi.advanceTimersByTimeAsync(2000);
    expect(await results).toEqual(["a", "b", "c"]);
    expect(started).toEqual([
      { label: "a", atMs: 0 },
      { label: "b", atMs: 1000 },
      { label: "c", atMs: 2000 },
    ]);
  });

  it("spaces sends of the account across chats too", async () => {
    const pacer = createPacer({ chatIntervalMs: 1000, accountIntervalMs: 400, sendsPerMinute: 20 });
    const { started, send } = recorder();
    void pacer.run("chat-1", send("1a"));
    void pacer.run("chat-2", send("2a"));
    void pacer.run("chat-1", send("1b"));
    await vi.advanceTimersByTimeAsync(3000);
    expect(started).toEqual([
      { label: "1a", atMs: 0 },
      { label: "2a", atMs: 400 },
      { label: "1b", atMs: 1000 },
    ]);
  });

  it("holds sends past the per-minute cap until the oldest one is a minute old", async () => {
    const pacer = createPacer({ chatIntervalMs: 0, accountIntervalMs: 0, sendsPerMinute: 3 });
    const { started, send } = recorder();
    for (const label of ["1", "2", "3", "4", "5"]) void pacer.run(`chat-${label}`, send(label));
    await vi.advanceTimersByTimeAsync(59_999);
    expect(started.map((entry) => entry.label)).toEqual(["1", "2", "3"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(started.map((entry) => entry.atMs)).toEqual([0, 0, 0, 60_000, 60_000]);
  });

  it("does not wait when the chat has been quiet for longer than the interval", async () => {
    const pacer = createPacer({ chatIntervalMs: 1000, accountIntervalMs: 1000, sendsPerMinute: 20 });
    const { started, send } = recorder();
    await pacer.run("chat-1", send("a"));
    await vi.advanceTimersByTimeAsync(5000);
    await pacer.run("chat-1", send("b"));
    expect(started).toEqual([
      { label: "a", atMs: 0 },
      { label: "b", atMs: 5000 },
    ]);
  });

  it("passes a failed send's error to its caller and goes on with the next", async () => {
    const pacer = createPacer({ chatIntervalMs: 100, accountIntervalMs: 100, sendsPerMinute: 20 });
    const failing = pacer.run("chat-1", async () => {
      throw new Error("puppet said no");
    });
    const next = pacer.run("chat-1", async () => "ok");
    await expect(failing).rejects.toThrow("puppet said no");
    await vi.advanceTimersByTimeAsync(100);
    expect(await next).toBe("ok");
  });

  it("fails queued sends retryably on stop and leaves no timer behind", async () => {
    const pacer = createPacer({ chatIntervalMs: 1000, accountIntervalMs: 1000, sendsPerMinute: 20 });
    const { send } = recorder();
    await pacer.run("chat-1", send("a"));
    const queued = pacer.run("chat-1", send("b"));
    pacer.stop();
    await expect(queued).rejects.toMatchObject({ code: "upstream" });
    await expect(pacer.run("chat-1", send("c"))).rejects.toBeInstanceOf(BridgeError);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("the WeChat send pacer with the store's shared limits", () => {
  /** A shared take that answers from `answers`, then true; records when it was asked. */
  function fakeTake(answers: boolean[]) {
    const askedAtMs: number[] = [];
    const take = async () => {
      askedAtMs.push(Date.now());
      return answers.shift() ?? true;
    };
    return { take, askedAtMs };
  }

  it("waits while the shared per-minute cap refuses, then sends everything in order", async () => {
    const minute = fakeTake([false, false]);
    const pacer = createPacer({ chatIntervalMs: 0, accountIntervalMs: 0, sendsPerMinute: 20, takeMinuteSlot: minute.take });
    const { started, send } = recorder();
    const results = Promise.all(["a", "b"].map((label) => pacer.run("chat-1", send(label))));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await results).toEqual(["a", "b"]);
    // Asked again every 750 ms (a quarter of the 3 s that one of 20 sends a minute stands for).
    expect(minute.askedAtMs).toEqual([0, 750, 1500, 1500]);
    expect(started).toEqual([
      { label: "a", atMs: 1500 },
      { label: "b", atMs: 1500 },
    ]);
  });

  it("asks for the account's slot first, so a refused one costs no send of the minute", async () => {
    const account = fakeTake([false]);
    const minute = fakeTake([]);
    const pacer = createPacer({ chatIntervalMs: 0, accountIntervalMs: 1000, sendsPerMinute: 20, takeAccountSlot: account.take, takeMinuteSlot: minute.take });
    const { started, send } = recorder();
    const sent = pacer.run("chat-1", send("a"));
    await vi.advanceTimersByTimeAsync(1000);
    await sent;
    expect(account.askedAtMs).toEqual([0, 250]);
    expect(minute.askedAtMs).toEqual([250]);
    expect(started).toEqual([{ label: "a", atMs: 250 }]);
  });

  it("keeps this process's own cap when the store cannot be reached", async () => {
    const takeMinuteSlot = () => Promise.reject(new Error("connection refused"));
    const pacer = createPacer({ chatIntervalMs: 0, accountIntervalMs: 0, sendsPerMinute: 2, takeMinuteSlot });
    const { started, send } = recorder();
    for (const label of ["1", "2", "3"]) void pacer.run(`chat-${label}`, send(label));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(started.map((entry) => entry.atMs)).toEqual([0, 0, 60_000]);
  });
});
