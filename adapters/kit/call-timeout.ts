import { BridgeError } from "../../core/types/errors.ts";

/**
 * Runs one SDK or HTTP call with a deadline: the call gets a signal that aborts when the caller's does
 * or when `timeoutMs` passed. A call cut off by the deadline (not by the caller) becomes a BridgeError
 * "timeout", which the outbox retries; anything else is rethrown as it was.
 */
export async function callWithTimeout<T>(
  what: string,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
  try {
    return await call(signal);
  } catch (thrown) {
    if (deadline.aborted && !callerSignal?.aborted) throw callTimedOut(what, timeoutMs, thrown);
    throw thrown;
  }
}

export function callTimedOut(what: string, timeoutMs: number, cause?: unknown): BridgeError {
  return new BridgeError("timeout", `${what} did not answer within ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`, { cause });
}
