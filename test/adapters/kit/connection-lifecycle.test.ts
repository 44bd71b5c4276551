import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createConnectionLifecycle, type ConnectionLifecycleOptions, type ConnectionSession } from "../../../adapters/kit/connection-lifecycle.ts";
import type { ChannelHealth } from "../../../core/types/adapter.ts";
import { recordingLogger } from "../../support/recording-logger.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** A lifecycle whose sessions are scripted: each call to connect records when it started and runs `script`. */
function harness(script: (session: ConnectionSession, attempt: number) => Promise<void>, overrides: Partial<ConnectionLifecycleOptions> = {}) {
  const starts: number[] = [];
  const states: ChannelHealth[] = [];
  const controller = new AbortController();
  const lifecycle = createConnectionLifecycle({
    what: "test connection",
    logger: recordingLogger(),
    backoff: { minMs: 100, maxMs: 800, jitter: 0 },
    connect: async (session) => {
      starts.push(Date.now());
      await script(session, starts.length);
    },
    onHealth: (health) => states.push(health),
    ...overrides,
  });
  const running = lifecycle.run(controller.signal);
  return { lifecycle, starts, states, controller, running, gaps: () => starts.slice(1).map((at, index) => at - starts[index]!) };
}

const untilAborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));

describe("the connection lifecycle", () => {
  it("reconnects after each failure with a backoff that doubles and stops growing at the cap", async () => {
    const h = harness(async () => {
      throw new Error("refused");
    });
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 800 + 800 + 800);
    expect(h.gaps().slice(0, 6)).toEqual([100, 200, 400, 800, 800, 800]);
    expect(h.lifecycle.health()).toEqual({ state: "error", detail: "test connection failed: refused" });
    h.controller.abort();
    await h.running;
  });

  it("keeps each jittered delay between (1 - jitter) and 1 of its step", async () => {
    for (const random of [() => 0, () => 0.999_999]) {
      const h = harness(
        async () => {
          throw new Error("refused");
        },
        { backoff: { minMs: 1000, maxMs: 1000, jitter: 0.5, random } },
      );
      await vi.advanceTimersByTimeAsync(3000);
      for (const gap of h.gaps()) {
        expect(gap).toBeGreaterThanOrEqual(500);
        expect(gap).toBeLessThanOrEqual(1000);
      }
      expect(h.gaps().length).toBeGreaterThanOrEqual(3);
      h.controller.abort();
      await h.running;
    }
  });

  it("starts the backoff again from its first step after a session stayed up for the healthy period", async () => {
    const h = harness(
      async (session, attempt) => {
        if (attempt === 4) {
          session.up();
          await new Promise((resolve) => setTimeout(resolve, 5000));
        }
        throw new Error("dropped");
      },
      { healthyAfterMs: 1000 },
    );
    // 100, 200, 400, then a session up for 5 s: the next wait is 100 again, not 800.
    await vi.advanceTimersByTimeAsync(100 + 200 + 400 + 5000 + 100);
    expect(h.gaps()).toEqual([100, 200, 400, 5100]);
    h.controller.abort();
    await h.running;
  });

  it("keeps backing off when a session comes up but drops before the healthy period", async () => {
    const h = harness(
      async (session) => {
        session.up();
        await new Promise((resolve) => setTimeout(resolve, 10));
        throw new Error("dropped");
      },
      { healthyAfterMs: 1000 },
    );
    await vi.advanceTimersByTimeAsync(110 + 210 + 410);
    expect(h.gaps()).toEqual([110, 210, 410]);
    h.controller.abort();
    // The scripted session ignores its signal: let its 10 ms run out.
    await vi.advanceTimersByTimeAsync(10);
    await h.running;
  });

  it("replaces a session that goes silent while up, at once, and shows it degraded meanwhile", async () => {
    const h = harness(
      async (session, attempt) => {
        session.up();
        if (attempt === 1) {
          setTimeout(() => session.alive(), 400);
          await untilAborted(session.signal);
          return;
        }
        await untilAborted(session.signal);
      },
      { silenceMs: 1000 },
    );
    await vi.advanceTimersByTimeAsync(1399);
    expect(h.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.starts).toHaveLength(2);
    expect(h.states.map((health) => health.state)).toEqual(["ready", "degraded", "ready"]);
    h.controller.abort();
    await h.running;
  });

  it("uses the session's own way to cut a silent connection instead of restarting it, when it has one", async () => {
    const cut = vi.fn();
    const h = harness(
      async (session) => {
        session.onReplace(cut);
        session.connecting();
        await untilAborted(session.signal);
      },
      { connectTimeoutMs: 500 },
    );
    await vi.advanceTimersByTimeAsync(500);
    expect(cut).toHaveBeenCalledTimes(1);
    expect(h.starts).toHaveLength(1);
    expect(h.lifecycle.health()).toMatchObject({ state: "starting", detail: expect.stringMatching(/did not come up/) });
    h.controller.abort();
    await h.running;
  });

  it("stops on abort: the session's signal aborts, no timer is left, health is stopped", async () => {
    let sessionSignal: AbortSignal | undefined;
    const h = harness(
      async (session) => {
        sessionSignal = session.signal;
        session.up();
        await untilAborted(session.signal);
      },
      { silenceMs: 1000, healthyAfterMs: 5000, connectTimeoutMs: 500 },
    );
    await vi.advanceTimersByTimeAsync(10);
    h.controller.abort();
    await h.running;
    expect(sessionSignal!.aborted).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
    expect(h.lifecycle.health()).toEqual({ state: "stopped" });
  });

  it("stops during a backoff wait without waiting it out", async () => {
    const h = harness(async () => {
      throw new Error("refused");
    }, { backoff: { minMs: 60_000, maxMs: 60_000, jitter: 0 } });
    await vi.advanceTimersByTimeAsync(10);
    h.controller.abort();
    await h.running;
    expect(vi.getTimerCount()).toBe(0);
    expect(h.starts).toHaveLength(1);
  });

  it("goes starting → error → ready → degraded → ready, and a failure's own plan sets its state and wait", async () => {
    const h = harness(
      async (session, attempt) => {
        if (attempt === 1) throw new Error("no route");
        session.up();
        if (attempt === 2) {
          session.down("lost");
          session.up();
          throw new Error("slow");
        }
        await untilAborted(session.signal);
      },
      { describeFailure: (error, hasBeenUp) => ((error as Error).message === "slow" ? { detail: "slow", state: hasBeenUp ? "degraded" : "error", waitMs: 0 } : { detail: "down" }) },
    );
    expect(h.lifecycle.health()).toEqual({ state: "starting" });
    await vi.advanceTimersByTimeAsync(100);
    expect(h.states.map((health) => health.state)).toEqual(["error", "ready", "degraded", "ready", "degraded", "ready"]);
    expect(h.gaps()).toEqual([100, 0]);
    h.controller.abort();
    await h.running;
  });

  it("waits as a session's trouble says and logs a repeated problem once", async () => {
    const logger = recordingLogger();
    let troubles = 0;
    const h = harness(
      async (session) => {
        while (!session.signal.aborted) {
          troubles += 1;
          await session.trouble({ detail: "409 Conflict", waitMs: 50 });
        }
      },
      { logger },
    );
    await vi.advanceTimersByTimeAsync(200);
    expect(troubles).toBe(5);
    expect(logger.filter({ message: "409 Conflict" })).toHaveLength(1);
    expect(h.lifecycle.health()).toEqual({ state: "error", detail: "409 Conflict" });
    h.controller.abort();
    await h.running;
  });

  it("watches the silence a session names for itself (a heartbeat from the server's hello) instead of silenceMs", async () => {
    const h = harness(
      async (session, attempt) => {
        if (attempt === 1) session.watchSilence(300);
        session.up();
        await untilAborted(session.signal);
      },
      { silenceMs: 10_000 },
    );
    await vi.advanceTimersByTimeAsync(299);
    expect(h.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.starts).toHaveLength(2);
    // The next session names none: silenceMs again.
    await vi.advanceTimersByTimeAsync(9000);
    expect(h.starts).toHaveLength(2);
    h.controller.abort();
    await h.running;
  });
});
