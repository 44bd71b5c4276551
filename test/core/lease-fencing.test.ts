import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDelivery } from "../../core/delivery.ts";
import { createMetrics } from "../../core/metrics.ts";
import { createLeaseLocks, createRunningRuns } from "../../core/queue.ts";
import { respond } from "../../core/responder.ts";
import { createTurnQueue, type RunHandle, type TurnQueue } from "../../core/stages/drain.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { BegunTurn, LeaseStore, Store } from "../../core/store/store.ts";
import type { Adapter } from "../../core/types/adapter.ts";
import type { AgentEvent } from "../../core/types/agent.ts";
import { answerTo } from "../../core/types/message.ts";
import { recordingAdapter } from "../support/responder.ts";
import { silentLogger } from "../support/recording-logger.ts";
import { fakeMessage } from "./stages/harness.ts";

/**
 * Two gateway processes on one store (two handles on one SQLite file). Process A runs a turn while its lease
 * renewals stall (a loaded machine: they wait behind other work); its lease runs out, process B takes the
 * conversation over and runs the turn again. A is then cut off in the middle of a send (killed): the platform has
 * the message, the outbox never hears of it.
 */
const leaseMs = 150;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let dir: string;
let stores: Store[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "pincer-fencing-"));
  stores = [createSqliteStore(dir), createSqliteStore(dir)];
});
afterEach(() => {
  for (const store of stores) store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Renewals that never get through: the store hears nothing from this holder after the acquire. */
function stalledRenewals(leases: LeaseStore): LeaseStore {
  return { ...leases, renew: () => new Promise<boolean>(() => {}) };
}

/** The platform records a send, then the process dies before it hears back (the promise never settles). */
function diesMidSend(platform: ReturnType<typeof recordingAdapter>): Adapter {
  return {
    ...platform.adapter,
    async send(to, part) {
      await platform.adapter.send(to, part);
      return new Promise(() => {});
    },
  };
}

async function* slowAnswer(text: string, thinkMs: number): AsyncGenerator<AgentEvent> {
  await sleep(thinkMs);
  yield { type: "text-delta", text };
  yield { type: "done" };
}

function gatewayProcess(store: Store, options: { holder: string; adapter: Adapter; leases: LeaseStore; thinkMs: number }): TurnQueue {
  const delivery = createDelivery({
    adapters: new Map([["fake", options.adapter]]),
    outbox: store.outbox,
    logger: silentLogger,
    metrics: createMetrics(async () => 0),
    retries: 0,
    // A claim on a part outlives no send by much: a dead sender's part is sent again soon after.
    leaseMs: 100,
  });
  return createTurnQueue({
    store,
    metrics: createMetrics(async () => 0),
    logger: silentLogger,
    locks: createLeaseLocks({ leases: options.leases, turns: store.turns, holder: options.holder, leaseMs, logger: silentLogger }),
    runs: createRunningRuns({ leases: options.leases, holder: options.holder, logger: silentLogger }),
    async takeTurn({ rows }: BegunTurn, run: RunHandle) {
      const text = rows.map((row) => `echo ${row.key}`).join("\n");
      const to = answerTo(rows.at(-1)!.message);
      const answer = await respond({ adapter: options.adapter, delivery, logger: silentLogger }, to, rows[0]!.key, slowAnswer(text, options.thinkMs), run.signal);
      if (answer.isStopped) return;
      await store.inbox.setStatus(rows.map((row) => row.key), "done");
    },
  });
}

describe("a conversation's lease lost mid-run", () => {
  it("sends each part of the reply once: the holder that lost the lease stops, the new holder finishes the turn", async () => {
    const platform = recordingAdapter({ canEdit: false });
    const [storeA, storeB] = stores as [Store, Store];
    const processA = gatewayProcess(storeA, { holder: "a", adapter: diesMidSend(platform), leases: stalledRenewals(storeA.leases), thinkMs: 250 });
    const processB = gatewayProcess(storeB, { holder: "b", adapter: platform.adapter, leases: storeB.leases, thinkMs: 150 });

    const message = fakeMessage({ id: "m1", text: "hello" });
    await storeA.inbox.insert(message, Date.now());
    void processA.enqueue("fake:m1", message);
    // A's lease has run out (no renewal got through): B's recovery hands the conversation over and B runs the turn.
    await sleep(leaseMs + 50);
    const { queuedConversations } = await storeB.inbox.recover({ conversationKeys: [], messageKeys: [] });
    expect(queuedConversations).toEqual(["fake:c1"]);
    // Meanwhile A's model answers (B's is slower): A must not send what B is about to send.
    await processB.drain("fake:c1");
    await sleep(50);

    expect(platform.sends().map((call) => call.text)).toEqual(["echo fake:m1"]);
    expect((await storeB.outbox.get("fake:m1:0"))?.status).toBe("sent");
  });
});
