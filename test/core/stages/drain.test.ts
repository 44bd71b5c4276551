import { describe, expect, it } from "vitest";
import { createMetrics } from "../../../core/metrics.ts";
import { createTurnQueue, type RunHandle } from "../../../core/stages/drain.ts";
import type { BegunTurn } from "../../../core/store/store.ts";
import { fakeMessage, memoryStore } from "./harness.ts";
import { silentLogger } from "../../support/recording-logger.ts";

function setUp() {
  const store = memoryStore();
  const turns: string[][] = [];
  let release: (() => void) | undefined;
  let current: RunHandle | undefined;
  const queue = createTurnQueue({
    store,
    metrics: createMetrics(async () => 0),
    logger: silentLogger,
    async takeTurn({ rows }: BegunTurn, run: RunHandle) {
      turns.push(rows.map((row) => row.key));
      current = run;
      // The first turn waits until the test lets it end; later ones end at once.
      if (turns.length === 1) await new Promise<void>((resolve) => (release = resolve));
      await store.inbox.setStatus(rows.map((row) => row.key), "done");
    },
  });
  const arrive = async (id: string) => {
    const message = fakeMessage({ id, text: id });
    await store.inbox.insert(message, Date.now());
    return queue.enqueue(`fake:${id}`, message);
  };
  const waitForTurn = async () => {
    while (!release) await new Promise((resolve) => setTimeout(resolve, 1));
  };
  return { store, queue, turns, arrive, waitForTurn, release: () => release!(), run: () => current! };
}

describe("stage enqueue/drain: one run at a time per conversation", () => {
  it("collects what arrives during a turn into the next turn, together", async () => {
    const { queue, turns, arrive, waitForTurn, release } = setUp();
    const first = arrive("m1");
    await waitForTurn();
    await arrive("m2");
    await arrive("m3");
    expect(turns).toEqual([["fake:m1"]]);
    expect(queue.draining()).toEqual(["fake:c1"]);
    release();
    await first;
    expect(turns).toEqual([["fake:m1"], ["fake:m2", "fake:m3"]]);
    expect(queue.draining()).toEqual([]);
  });

  it("answers a message queued behind a turn that ended before the queueing was written", async () => {
    const { store, queue, turns, arrive, waitForTurn, release } = setUp();
    const first = arrive("m1");
    await waitForTurn();
    // m2's "queued" reaches the store only after m1's turn has ended and looked for waiting rows.
    const setStatus = store.inbox.setStatus.bind(store.inbox);
    let writeQueued: () => void = () => {};
    let reached: () => void = () => {};
    const isWritten = new Promise<void>((resolve) => (writeQueued = resolve));
    const isReached = new Promise<void>((resolve) => (reached = resolve));
    store.inbox.setStatus = async (keys, status) => {
      if (status === "queued") {
        reached();
        await isWritten;
      }
      return setStatus(keys, status);
    };
    const second = arrive("m2");
    await isReached;
    release();
    await first;
    expect(turns).toEqual([["fake:m1"]]);
    writeQueued();
    await second;
    expect(turns).toEqual([["fake:m1"], ["fake:m2"]]);
    expect(queue.draining()).toEqual([]);
  });

  it("answers a message whose take reached the store before the previous turn's release, and came back after it", async () => {
    const { store, turns, arrive, waitForTurn, release } = setUp();
    const first = arrive("m1");
    await waitForTurn();
    // As on two pipelined connections: m1's release waits behind other statements on its connection, while m2's take
    // runs at once on the other (refused by the lease still standing, which queues m2) and is answered last.
    const end = store.turns.end.bind(store.turns);
    const begin = store.turns.begin.bind(store.turns);
    let sendEnd: () => void = () => {};
    let endCalled: () => void = () => {};
    let answerBegin: () => void = () => {};
    const isEndSent = new Promise<void>((resolve) => (sendEnd = resolve));
    const isEndCalled = new Promise<void>((resolve) => (endCalled = resolve));
    const isBeginAnswered = new Promise<void>((resolve) => (answerBegin = resolve));
    store.turns.end = async (...args) => {
      endCalled();
      await isEndSent;
      return end(...args);
    };
    store.turns.begin = async (...args) => {
      const begun = begin(...args);
      await isBeginAnswered;
      return begun;
    };
    release();
    await isEndCalled;
    const second = arrive("m2");
    await new Promise((resolve) => setTimeout(resolve, 5));
    sendEnd();
    await first;
    answerBegin();
    await second;
    expect(turns).toEqual([["fake:m1"], ["fake:m2"]]);
  });

  it("lets /stop abort the running turn, and says nothing runs once the turn ended its run", async () => {
    const { queue, arrive, waitForTurn, release, run } = setUp();
    const first = arrive("m1");
    await waitForTurn();
    expect(await queue.isRunning("fake:c1")).toBe(true);
    expect(await queue.stopRun("fake:c1")).toBe(true);
    expect(run().signal.aborted).toBe(true);
    run().end();
    expect(await queue.isRunning("fake:c1")).toBe(false);
    expect(await queue.stopRun("fake:c1")).toBe(false);
    release();
    await first;
  });

  it("aborts every run with the shutdown's reason and takes no new turn once closed", async () => {
    const { queue, turns, arrive, waitForTurn, release, run } = setUp();
    const first = arrive("m1");
    await waitForTurn();
    queue.close();
    const reason = new Error("shutting down");
    queue.abortAll(reason);
    expect(run().signal.reason).toBe(reason);
    release();
    await first;
    await arrive("m2");
    expect(turns).toEqual([["fake:m1"]]);
  });
});
