import { createNeededSubscription, type Broadcast } from "./store/broadcast.ts";
import type { ClaimOptions, LeaseStore, TurnStore } from "./store/store.ts";
import type { BeginOptions, BegunTurn } from "./store/turn-store.ts";
import type { Logger } from "./types/logger.ts";

/**
 * Stage 4 (order): one run at a time per conversation. The queue itself is the inbox (rows in
 * status `queued`); this port only says who may drain a conversation now. The truth is a lease in the
 * store (so several gateway processes on one store keep the order); a local set answers "held here"
 * without a round trip. Taking the lease claims the conversation's next turn in the same store call, and giving it back
 * tells whether rows wait in it.
 */
export interface ConversationLocks {
  /** The conversation taken, with its next turn; undefined when it is held (here, or by another process). */
  tryAcquire(conversationKey: string, options?: BeginOptions): Promise<BegunTurn | undefined>;
  /** Whether this process holds the conversation (or is taking it): no store call. */
  isHeld(conversationKey: string): boolean;
  /** Gives the conversation back; true when rows wait in it (read after the release). */
  release(conversationKey: string, options?: Pick<ClaimOptions, "heldBehindSince">): Promise<boolean>;
  /**
   * This process's release of the conversation while the store has not answered it (settled when it has), else
   * undefined. Until then the lease still stands in the store, and refuses a take made meanwhile.
   */
  releasing(conversationKey: string): Promise<unknown> | undefined;
  /**
   * Aborts (with a `LeaseLost` reason) once this holder can no longer be sure it holds the conversation: a renewal
   * found another holder, or no renewal succeeded within the lease (the store may have handed it over). Undefined
   * when the conversation is not held here.
   */
  lost?(conversationKey: string): AbortSignal | undefined;
}

export interface LeaseLocksOptions {
  /** Renewals go through `leases`; taking and giving back through `turns`. */
  leases: LeaseStore;
  turns: TurnStore;
  /** This process's holder id. */
  holder: string;
  /** How long a lease lasts without renewal (renewed every third of it while held). */
  leaseMs?: number;
  logger: Logger;
  now?: () => number;
}

export const defaultLeaseMs = 15_000;

interface HeldLease {
  renewal: NodeJS.Timeout;
  deadline: NodeJS.Timeout | undefined;
  lost: AbortController;
}

export function createLeaseLocks(options: LeaseLocksOptions): ConversationLocks {
  const { leases, turns, holder, logger } = options;
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const now = options.now ?? Date.now;
  // The store's clock decides expiry; a lease renewed by a statement sent at `t` lasts at least until `t + leaseMs`
  // on it. A tenth is kept back for the difference between this process's clock and the store's.
  const safeMs = leaseMs * 0.9;
  const held = new Map<string, HeldLease>();
  const releasing = new Map<string, Promise<unknown>>();

  const loseLease = (key: string, entry: HeldLease, why: string) => {
    if (held.get(key) !== entry || entry.lost.signal.aborted) return;
    logger.warn({ conversation: key }, why);
    entry.lost.abort(new LeaseLost(key));
  };
  /** Arms the deadline: past it, without a renewal that succeeded meanwhile, the run must not go on. */
  const extend = (key: string, entry: HeldLease, sentAt: number) => {
    clearTimeout(entry.deadline);
    entry.deadline = setTimeout(
      () => loseLease(key, entry, "no renewal of the conversation's lease succeeded within its term; the run stops, another worker may run the turn"),
      Math.max(0, sentAt + safeMs - now()),
    );
    entry.deadline.unref();
  };
  const renew = async (key: string, entry: HeldLease) => {
    const sentAt = now();
    try {
      const isRenewed = await leases.renew(key, holder, leaseMs);
      if (held.get(key) !== entry) return; // Released meanwhile: not a loss.
      if (isRenewed) extend(key, entry, sentAt);
      else loseLease(key, entry, "the conversation's lease was lost; the run stops, another worker may run the turn");
    } catch (error) {
      logger.warn({ err: error, conversation: key }, "renewing the conversation's lease failed");
    }
  };

  return {
    async tryAcquire(key, beginOptions = {}) {
      // Held here already: no store round trip. Marked before the await so a concurrent call here is refused too.
      if (held.has(key)) return undefined;
      const entry: HeldLease = { renewal: setInterval(() => void renew(key, entry), leaseMs / 3), deadline: undefined, lost: new AbortController() };
      entry.renewal.unref();
      held.set(key, entry);
      const sentAt = now();
      try {
        const begun = await turns.begin(key, holder, leaseMs, beginOptions);
        if (begun) {
          extend(key, entry, sentAt);
          return begun;
        }
      } catch (error) {
        clearInterval(entry.renewal);
        held.delete(key);
        throw error;
      }
      clearInterval(entry.renewal);
      held.delete(key);
      return undefined;
    },
    async release(key, releaseOptions = {}) {
      const entry = held.get(key);
      if (entry) {
        clearInterval(entry.renewal);
        clearTimeout(entry.deadline);
      }
      held.delete(key);
      const ending = turns.end(key, holder, releaseOptions);
      const forget = () => void releasing.delete(key);
      releasing.set(key, ending.then(forget, forget));
      return ending;
    },
    isHeld: (key) => held.has(key),
    releasing: (key) => releasing.get(key),
    lost: (key) => held.get(key)?.lost.signal,
  };
}

/**
 * Why a run was aborted when the process shuts down (not a user's `/stop`): the run's reply is not
 * finished, so its rows stay unfinished and the next start runs the turn again.
 */
export class ShutdownAbort extends Error {
  constructor() {
    super("The gateway is shutting down");
    this.name = "ShutdownAbort";
  }
}

/**
 * Why a run was aborted when its holder lost the conversation's lease (renewals failed or came too late under
 * load): another worker may be running the same turn. Like a shutdown, nothing more is sent and the rows stay
 * unfinished: the turn's new holder finishes it, under the same outbox keys.
 */
export class LeaseLost extends ShutdownAbort {
  constructor(conversationKey: string) {
    super();
    this.message = `The lease on ${conversationKey} was lost`;
    this.name = "LeaseLost";
  }
}

export function isShutdownAbort(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof ShutdownAbort;
}

/**
 * The abort handles of the runs this process is executing, so `/stop` can end one at once. A `/stop` for a run another
 * process holds marks its lease in the store and is announced on the broadcast; the holder takes the mark when it
 * hears it, or at its next poll when the notice was missed (or there is no broadcast).
 */
export interface RunningRuns {
  begin(conversationKey: string): AbortController;
  end(conversationKey: string, controller: AbortController): void;
  /** Aborts the conversation's run (here, or by a request to the process holding it); false when none is running. */
  stop(conversationKey: string): Promise<boolean>;
  /** A run here, or another process holding the conversation. */
  isRunning(conversationKey: string): Promise<boolean>;
  /** Aborts every run; with a `ShutdownAbort` reason when the process is shutting down. */
  stopAll(reason?: unknown): void;
}

export interface RunningRunsOptions {
  leases: LeaseStore;
  holder: string;
  /** Reaches the other processes on the store: a stop requested there is heard here at once. */
  broadcast?: Broadcast | undefined;
  /**
   * How often, while a run is going, the store is asked for stops requested by other processes: the only way they
   * arrive without a broadcast (default 500 ms), a fallback for missed notices with one (default 5 s).
   */
  pollMs?: number;
  logger: Logger;
}

/** The broadcast topic of `/stop`: its payload is the conversation key. */
export const runStopTopic = "run-stop";

/**
 * Takes the holder's stop marks from the store and aborts their runs; resolves false when the store could not be
 * asked. A call while one is under way makes that one ask once more (the mark may be newer than its question).
 */
function createStopTaker(leases: LeaseStore, holder: string, runs: Map<string, AbortController>, logger: Logger): () => Promise<boolean> {
  let taking: Promise<boolean> | undefined;
  let isTakeAgain = false;
  return () => {
    if (taking) {
      isTakeAgain = true;
      return taking;
    }
    taking = (async () => {
      let isTaken = true;
      do {
        isTakeAgain = false;
        try {
          for (const key of await leases.takeStops(holder)) runs.get(key)?.abort();
          isTaken = true;
        } catch (error) {
          logger.warn({ err: error }, "checking for stop requests failed");
          isTaken = false;
        }
      } while (isTakeAgain);
      taking = undefined;
      return isTaken;
    })();
    return taking;
  };
}

export function createRunningRuns(options: RunningRunsOptions): RunningRuns {
  const { leases, holder, broadcast, logger } = options;
  const pollMs = options.pollMs ?? (broadcast ? 5_000 : 500);
  const runs = new Map<string, AbortController>();
  let poll: NodeJS.Timeout | undefined;
  const takeStops = createStopTaker(leases, holder, runs, logger);
  // The mark is taken rather than the run aborted by the notice alone: a mark left behind would stop the
  // conversation's next run under the same lease at the next poll.
  const stopNotices = createNeededSubscription(broadcast, runStopTopic, (key) => {
    if (!runs.has(key)) return;
    void takeStops().then((isTaken) => {
      if (!isTaken) runs.get(key)?.abort();
    });
  });

  return {
    begin(key) {
      const controller = new AbortController();
      runs.set(key, controller);
      stopNotices.setNeeded(true);
      if (!poll) {
        poll = setInterval(() => void takeStops(), pollMs);
        poll.unref();
      }
      return controller;
    },
    end(key, controller) {
      if (runs.get(key) === controller) runs.delete(key);
      if (runs.size === 0) {
        clearInterval(poll);
        poll = undefined;
        stopNotices.setNeeded(false);
      }
    },
    async stop(key) {
      const controller = runs.get(key);
      if (controller) {
        controller.abort();
        return true;
      }
      const isRequested = await leases.requestStop(key, holder);
      if (isRequested && broadcast) {
        await broadcast.publish(runStopTopic, key).catch((error: unknown) => logger.warn({ err: error, conversation: key }, "announcing a stop failed; its holder finds it at its next poll"));
      }
      return isRequested;
    },
    async isRunning(key) {
      if (runs.has(key)) return true;
      const current = await leases.holder(key);
      return current !== undefined && current !== holder;
    },
    stopAll(reason) {
      for (const controller of runs.values()) controller.abort(reason);
    },
  };
}
