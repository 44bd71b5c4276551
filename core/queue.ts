import type { LeaseStore } from "./store/store.ts";
import type { Logger } from "./types/logger.ts";

/**
 * Stage 4 (order): one run at a time per conversation. The queue itself is the inbox (rows in
 * status `queued`); this port only says who may drain a conversation now. The truth is a lease in the
 * store (so several gateway processes on one store keep the order); a local set answers "held here"
 * without a round trip.
 */
export interface ConversationLocks {
  tryAcquire(conversationKey: string): Promise<boolean>;
  release(conversationKey: string): Promise<void>;
}

export interface LeaseLocksOptions {
  leases: LeaseStore;
  /** This process's holder id. */
  holder: string;
  /** How long a lease lasts without renewal (renewed every third of it while held). */
  leaseMs?: number;
  logger: Logger;
}

export const defaultLeaseMs = 15_000;

export function createLeaseLocks(options: LeaseLocksOptions): ConversationLocks {
  const { leases, holder, logger } = options;
  const leaseMs = options.leaseMs ?? defaultLeaseMs;
  const held = new Map<string, NodeJS.Timeout>();
  return {
    async tryAcquire(key) {
      // Held here already: no store round trip. Marked before the await so a concurrent call here is refused too.
      if (held.has(key)) return false;
      const renewal = setInterval(() => {
        void leases.renew(key, holder, leaseMs).then(
          // A renewal that crossed the release is not a loss.
          (isRenewed) => isRenewed || held.get(key) !== renewal || logger.warn({ conversation: key }, "the conversation's lease was lost; another worker may run it"),
          (error: unknown) => logger.warn({ err: error, conversation: key }, "renewing the conversation's lease failed"),
        );
      }, leaseMs / 3);
      renewal.unref();
      held.set(key, renewal);
      try {
        if (await leases.acquire(key, holder, leaseMs)) return true;
      } catch (error) {
        clearInterval(renewal);
        held.delete(key);
        throw error;
      }
      clearInterval(renewal);
      held.delete(key);
      return false;
    },
    async release(key) {
      clearInterval(held.get(key));
      held.delete(key);
      await leases.release(key, holder);
    },
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

export function isShutdownAbort(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof ShutdownAbort;
}

/**
 * The abort handles of the runs this process is executing, so `/stop` can end one at once; a `/stop`
 * for a run another process holds goes through the store to that process, which polls while it runs.
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
  /** How often, while a run is going, the store is asked for stops requested by other processes. */
  pollMs?: number;
  logger: Logger;
}

export function createRunningRuns(options: RunningRunsOptions): RunningRuns {
  const { leases, holder, logger } = options;
  const pollMs = options.pollMs ?? 500;
  const runs = new Map<string, AbortController>();
  let poll: NodeJS.Timeout | undefined;
  let isPolling = false;

  const takeStops = async () => {
    if (isPolling) return;
    isPolling = true;
    try {
      for (const key of await leases.takeStops(holder)) runs.get(key)?.abort();
    } catch (error) {
      logger.warn({ err: error }, "checking for stop requests failed");
    } finally {
      isPolling = false;
    }
  };

  return {
    begin(key) {
      const controller = new AbortController();
      runs.set(key, controller);
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
      }
    },
    async stop(key) {
      const controller = runs.get(key);
      if (controller) {
        controller.abort();
        return true;
      }
      return leases.requestStop(key, holder);
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
