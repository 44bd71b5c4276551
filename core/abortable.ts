import { BridgeError } from "./types/errors.ts";

/**
 * `promise`, unless `signal` aborts first: then BridgeError("aborted"), and the promise is left to settle
 * alone (its own rejection is expected then, and must not go unhandled).
 */
export async function abortableWait<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  if (signal.aborted) throw new BridgeError("aborted", "Stopped.", { cause: signal.reason });
  let onAbort: (() => void) | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        onAbort = () => reject(new BridgeError("aborted", "Stopped.", { cause: signal.reason }));
        signal.addEventListener("abort", onAbort, { once: true });
      }),
    ]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Iterates `source` until it ends or `signal` aborts, whichever is first: a stop takes effect at
 * once even when the source is stuck waiting (a slow model, a tool that ignores its signal).
 */
export async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<"aborted">((resolve) => {
    onAbort = () => resolve("aborted");
    if (signal.aborted) resolve("aborted");
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    for (;;) {
      const next = iterator.next();
      const result = await Promise.race([next, aborted]);
      if (result === "aborted") {
        next.catch(() => undefined);
        return;
      }
      if (result.done) return;
      yield result.value;
    }
  } catch (error) {
    if (signal.aborted) return;
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort!);
    if (signal.aborted) void Promise.resolve(iterator.return?.()).catch(() => undefined);
  }
}
