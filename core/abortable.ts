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
