import type { PruneCounts, PruneCutoffs } from "./store.ts";

/** The cutoff each kind of row is pruned by (both stores prune kind by kind). */
export function cutoffFor(kind: keyof PruneCounts, cutoffs: PruneCutoffs): number {
  if (kind === "inboxKeys") return cutoffs.inboxKeysBefore;
  if (kind === "storedFiles") return cutoffs.storedFilesBefore ?? 0;
  return cutoffs.before;
}
