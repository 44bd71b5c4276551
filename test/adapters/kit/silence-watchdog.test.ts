import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createSilenceWatchdog } from "../../../adapters/kit/silence-watchdog.ts";
import { createBackoff } from "../../../adapters/kit/backoff.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("the silence watchdog", () => {
  it("reports a connection that sends nothing for the silence period, once", () => {
    const onSilent = vi.fn();
    const watchdog = createSilenceWatchdog({ silenceMs: 1000, onSilent });
    watchdog.arm();
    vi.advanceTimersByTime(999);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledExactlyOnceWith(1000);
    vi.advanceTimersByTime(10_000);
    expect(onSilent).toHaveBeenCalledTimes(1);
    expect(watchdog.isArmed()).toBe(false);
  });

  it("stays quiet while signs of life keep coming, and counts the silence from the last one", () => {
    const onSilent = vi.fn();
    const watchdog = createSilenceWatchdog({ silenceMs: 1000, onSilent });
    watchdog.arm();
    for (let step = 0; step < 10; step += 1) {
      vi.advanceTimersByTime(600);
      watchdog.touch();
    }
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(999);
    expect(onSilent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });

  it("does nothing once disarmed, ignores touches while disarmed, and watches again after arm", () => {
    const onSilent = vi.fn();
    const watchdog = createSilenceWatchdog({ silenceMs: 1000, onSilent });
    watchdog.arm();
    watchdog.disarm();
    watchdog.touch();
    vi.advanceTimersByTime(5000);
    expect(onSilent).not.toHaveBeenCalled();
    expect(watchdog.isArmed()).toBe(false);
    watchdog.arm();
    vi.advanceTimersByTime(1000);
    expect(onSilent).toHaveBeenCalledTimes(1);
  });
});

describe("reconnect backoff", () => {
  it("doubles from the minimum up to the maximum, with jitter below each step, and starts over after reset", () => {
    const backoff = createBackoff({ minMs: 100, maxMs: 1000, jitter: 0.5, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6].map(() => backoff.nextDelayMs())).toEqual([50, 100, 200, 400, 500, 500]);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(50);
    const noJitter = createBackoff({ minMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0 });
    expect([1, 2, 3, 4, 5].map(() => noJitter.nextDelayMs())).toEqual([100, 200, 400, 800, 1000]);
  });
});
