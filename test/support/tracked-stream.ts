/** A web stream of `chunks`, pulled one at a time, telling how many were pulled and whether it was cancelled. */
export function trackedStream(chunks: Uint8Array[]) {
  const seen = { pulled: 0, isCancelled: false };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks[seen.pulled];
        seen.pulled += 1;
        if (next) controller.enqueue(next);
        else controller.close();
      },
      cancel() {
        seen.isCancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, seen };
}
