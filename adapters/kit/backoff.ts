/** Reconnect delays that double from `minMs` to `maxMs`, with jitter so that many clients do not retry in step. */
export interface BackoffOptions {
  minMs: number;
  maxMs: number;
  /** Share of each delay that is random, 0..1 (default 0.2: a delay lands between 80 % and 100 % of its step). */
  jitter?: number;
  random?: () => number;
}

export interface Backoff {
  /** The wait before the next attempt; each call doubles the next step. */
  nextDelayMs(): number;
  /** After a success: the next failure waits `minMs` again. */
  reset(): void;
}

export function createBackoff(options: BackoffOptions): Backoff {
  const random = options.random ?? Math.random;
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2));
  let stepMs = options.minMs;
  return {
    nextDelayMs() {
      const delayMs = Math.round(stepMs * (1 - jitter * random()));
      stepMs = Math.min(stepMs * 2, options.maxMs);
      return delayMs;
    },
    reset() {
      stepMs = options.minMs;
    },
  };
}
