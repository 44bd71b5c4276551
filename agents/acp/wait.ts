import { abortableWait } from "../../core/abortable.ts";

/** Waits for `promise` to settle, at most `ms`; never throws. */
export async function settleWithin(promise: Promise<unknown> | undefined, ms: number): Promise<void> {
  if (!promise) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([promise.then(() => undefined, () => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `work` once the messages already read from the agent have been dispatched. A response settles
 * its request sooner than the notifications before it reach their handler, so a prompt's answer
 * waits here for the updates the agent sent before it.
 */
export function afterQueuedMessages(work: () => void): void {
  setImmediate(work);
}

/** `promise`'s value, or undefined as soon as `signal` aborts. */
export async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  try {
    return await abortableWait(promise, signal);
  } catch (error) {
    if (signal.aborted) return undefined;
    throw error;
  }
}
