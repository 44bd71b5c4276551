/**
 * Stage 4 (order): one run at a time per conversation. The queue itself is the inbox (rows in
 * status `queued`); this port only says who may drain a conversation now. A shared-store
 * implementation (a lease in Redis or Postgres) lets several gateway processes keep the order.
 */
export interface ConversationLocks {
  tryAcquire(conversationKey: string): boolean;
  release(conversationKey: string): void;
}

export function createLocalLocks(): ConversationLocks {
  const held = new Set<string>();
  return {
    tryAcquire(key) {
      if (held.has(key)) return false;
      held.add(key);
      return true;
    },
    release(key) {
      held.delete(key);
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

/** The abort handles of the runs this process is executing, so `/stop` can end one at once. */
export interface RunningRuns {
  begin(conversationKey: string): AbortController;
  end(conversationKey: string, controller: AbortController): void;
  /** Aborts the conversation's run; false when none is running. */
  stop(conversationKey: string): boolean;
  isRunning(conversationKey: string): boolean;
  /** Aborts every run; with a `ShutdownAbort` reason when the process is shutting down. */
  stopAll(reason?: unknown): void;
}

export function createRunningRuns(): RunningRuns {
  const runs = new Map<string, AbortController>();
  return {
    begin(key) {
      const controller = new AbortController();
      runs.set(key, controller);
      return controller;
    },
    end(key, controller) {
      if (runs.get(key) === controller) runs.delete(key);
    },
    stop(key) {
      const controller = runs.get(key);
      if (!controller) return false;
      controller.abort();
      return true;
    },
    isRunning: (key) => runs.has(key),
    stopAll(reason) {
      for (const controller of runs.values()) controller.abort(reason);
    },
  };
}
