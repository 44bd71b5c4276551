import { setTimeout as sleep } from "node:timers/promises";
import { BridgeError } from "../../types/errors.ts";

// node:sqlite is synchronous: SQLite's own busy handler would wait inside the event loop, freezing every chat
// while another process (the CLI, a backup) holds the write lock. It waits a few milliseconds at most
// (`busy_timeout` in database.ts); past that the whole store call is tried again after an asynchronous pause.

/** SQLITE_BUSY or SQLITE_LOCKED, with any extended code. */
export function isBusy(error: unknown): boolean {
  const code = (error as { errcode?: unknown } | null)?.errcode;
  return typeof code === "number" && ((code & 0xff) === 5 || (code & 0xff) === 6);
}

export interface BusyRetryOptions {
  /** Gives up (BridgeError "upstream") once the lock has been held this long. */
  deadlineMs?: number;
}

/** Runs `work` again after short asynchronous pauses while the database is locked by someone else. */
export async function retryWhileBusy<T>(work: () => Promise<T>, options: BusyRetryOptions = {}): Promise<T> {
  const deadlineMs = options.deadlineMs ?? 30_000;
  const startedAt = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error)) throw error;
      if (Date.now() - startedAt >= deadlineMs) {
        throw new BridgeError("upstream", `The database stayed locked by another process for ${Math.round(deadlineMs / 1000)} s.`, { cause: error });
      }
      await sleep(Math.min(5 * 2 ** attempt, 100));
    }
  }
}

/**
 * The same store part, each method retried while the database is busy. Every method is one statement or
 * one transaction (rolled back on error), so running it again is safe.
 */
export function retryingWhenBusy<T extends object>(part: T, options: BusyRetryOptions = {}): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(part)) {
    wrapped[name] =
      typeof value === "function"
        ? (...args: unknown[]) => retryWhileBusy(async () => (value as (...args: unknown[]) => unknown).apply(part, args), options)
        : value;
  }
  return wrapped as T;
}
