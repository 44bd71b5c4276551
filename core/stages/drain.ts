import { randomUUID } from "node:crypto";
import { createLeaseLocks, createRunningRuns, type ConversationLocks, type RunningRuns } from "../queue.ts";
import type { Store } from "../store/store.ts";
import type { BegunTurn } from "../store/turn-store.ts";
import { channelLabels, type Metrics } from "../metrics.ts";
import { conversationKey } from "../types/conversation.ts";
import type { Logger } from "../types/logger.ts";
import type { InboundMessage } from "../types/message.ts";
import { noTracer, type Tracer } from "../trace.ts";

/** The abort handle of one run; `end` says it no longer runs (for `/stop` and `/status`), before the turn settles. */
export interface RunHandle {
  signal: AbortSignal;
  end(): void;
}

export interface TurnQueueDeps {
  store: Store;
  metrics: Metrics;
  logger: Logger;
  /** The `queue` span of each message (nothing without it). */
  tracer?: Tracer | undefined;
  locks?: ConversationLocks | undefined;
  runs?: RunningRuns | undefined;
  /** Takes one turn through prepare, run, speak back and settle. */
  takeTurn(turn: BegunTurn, run: RunHandle): Promise<void>;
  /**
   * How long a message still being taken in (`received`) holds later ones of its conversation back, so that they are
   * answered after it (another process admitting it, or recovery after that process died). 45 s by default.
   */
  heldBehindMs?: number | undefined;
  /** After a run stopped because its lease was lost: when to try the conversation again (a lease period; 15 s by default). */
  retakeLostAfterMs?: number | undefined;
}

/**
 * Stage "enqueue/drain": one run at a time per conversation; what queued meanwhile becomes the next turn.
 * The queue is the inbox (rows in status `queued`); every call to the conversation lock and the running
 * runs is made here.
 */
export interface TurnQueue {
  /** Queues an admitted prompt and drains its conversation. */
  enqueue(key: string, message: InboundMessage): Promise<void>;
  drain(conversationKey: string): Promise<void>;
  /** Conversations this process is draining now (crash recovery leaves them to it). */
  draining(): string[];
  /** A run here, or another process holding the conversation. */
  isRunning(conversationKey: string): Promise<boolean>;
  /** `/stop`: aborts the conversation's run, here or through the store in the process holding it; false when none runs. */
  stopRun(conversationKey: string): Promise<boolean>;
  /** Drains the conversation if rows wait in it (a message finished without a turn may have held them back). */
  resume(conversationKey: string): Promise<void>;
  /** Takes no new turn from now on. */
  close(): void;
  /** Aborts every run going on (a shutdown's grace is over). */
  abortAll(reason: unknown): void;
}

/**
 * Runs a turn under the conversation's lease. Fencing: a holder that lost the lease stops at once (sends nothing more,
 * leaves the rows unfinished), as another worker may be running this very turn. True when the lease was lost.
 */
async function runFenced(
  key: string,
  begun: BegunTurn,
  locks: ConversationLocks,
  runs: RunningRuns,
  takeTurn: TurnQueueDeps["takeTurn"],
): Promise<boolean> {
  const controller = runs.begin(key);
  const lost = locks.lost?.(key);
  const onLost = () => controller.abort(lost!.reason);
  if (lost?.aborted) onLost();
  lost?.addEventListener("abort", onLost, { once: true });
  try {
    await takeTurn(begun, { signal: controller.signal, end: () => runs.end(key, controller) });
  } finally {
    lost?.removeEventListener("abort", onLost);
    runs.end(key, controller);
  }
  return lost?.aborted === true;
}

/** Queues `queueKey` (a message just admitted) and takes the conversation if it is free; undefined when it is not. */
async function takeConversation(
  key: string,
  queueKey: string | undefined,
  { store, locks, isClosed, heldBehindSince }: { store: Store; locks: ConversationLocks; isClosed: () => boolean; heldBehindSince: () => number },
): Promise<BegunTurn | undefined> {
  let isQueued = false;
  for (;;) {
    // Until the store answers this process's own release, the lease still stands there: a take sent meanwhile is
    // refused (its row queued), and the release, finding that row while this take is under way, leaves it to it.
    const ending = locks.releasing(key);
    if (ending) {
      await ending;
      continue;
    }
    if (!isClosed() && !locks.isHeld(key)) break;
    // Held here (its turn's end finds the row) or closing (the next start does): queued alone, no take.
    if (!queueKey || isQueued) return undefined;
    await store.inbox.setStatus([queueKey], "queued");
    // The holder may have ended its turn while the row was being queued, and looked for waiting rows before it
    // was: then nobody holds the conversation, and this message takes it (found by the take's claim).
    isQueued = true;
  }
  // Just taken: anything still running in this conversation is a dead process's turn, which goes first.
  return locks.tryAcquire(key, { isTakeover: true, heldBehindSince: heldBehindSince(), ...(queueKey ? { queueKey } : {}) });
}

export function createTurnQueue(deps: TurnQueueDeps): TurnQueue {
  const { store } = deps;
  /** This process, as the holder of conversation leases in the store. */
  const holder = randomUUID();
  const locks = deps.locks ?? createLeaseLocks({ leases: store.leases, turns: store.turns, holder, logger: deps.logger });
  const runs = deps.runs ?? createRunningRuns({ leases: store.leases, holder, logger: deps.logger });
  const draining = new Set<string>();
  const heldBehindSince = () => Date.now() - (deps.heldBehindMs ?? 45_000);
  let isClosed = false;

  const runTurn = (key: string, begun: BegunTurn) => runFenced(key, begun, locks, runs, deps.takeTurn);

  const take = (key: string, queueKey?: string) =>
    takeConversation(key, queueKey, { store, locks, isClosed: () => isClosed, heldBehindSince });

  const drain = async (key: string): Promise<void> => {
    const begun = await take(key);
    if (begun) await drainTaken(key, begun);
  };

  /** Runs the turn taken, gives the conversation back, and drains it again while rows wait. */
  const drainTaken = async (key: string, begun: BegunTurn): Promise<void> => {
    draining.add(key);
    let wasLost = false;
    let hasQueued = false;
    try {
      if (begun.rows.length > 0) wasLost = await runTurn(key, begun);
    } finally {
      draining.delete(key);
      // What queued during the turn (or between the claim and the release) is the next turn.
      hasQueued = await locks.release(key, { heldBehindSince: heldBehindSince() });
    }
    // The lease was lost mid-turn: its rows are still running. Whoever holds the conversation now runs them; if
    // nobody took it (the lease only ran out), draining again a lease period later takes the turn over (same outbox keys).
    if (wasLost) {
      setTimeout(() => void drain(key).catch((error: unknown) => deps.logger.error({ err: error, conversation: key }, "draining after a lost lease failed")), deps.retakeLostAfterMs ?? 15_000).unref();
      return;
    }
    if (!isClosed && hasQueued) await drain(key);
  };

  return {
    async enqueue(key, message) {
      deps.metrics.messagesIn.inc({ ...channelLabels(message.conversation), outcome: "accepted" });
      const span = (deps.tracer ?? noTracer).start(key, "queue");
      const conversation = conversationKey(message.conversation);
      const begun = await take(conversation, key);
      span.end();
      if (begun) await drainTaken(conversation, begun);
    },
    drain,
    async resume(key) {
      if (!isClosed && (await store.inbox.hasQueued(key, { heldBehindSince: heldBehindSince() }))) await drain(key);
    },
    draining: () => [...draining],
    isRunning: (key) => runs.isRunning(key),
    stopRun: (key) => runs.stop(key),
    close() {
      isClosed = true;
    },
    abortAll: (reason) => runs.stopAll(reason),
  };
}
