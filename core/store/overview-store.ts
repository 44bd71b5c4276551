import type { UsageTotals } from "./store.ts";

/** What happened in one slice of time: messages taken in, reply parts sent, runs started, runs that failed. */
export interface ActivityBucket {
  startAt: number;
  inbound: number;
  outbound: number;
  runs: number;
  errors: number;
}

/** The user or chat that spent the most since a time, against its daily cap. */
export interface UsageLeader {
  ref: string;
  tokens: number;
  costUsd: number;
}

/** The console's overview, read through the store so that it works the same on SQLite and PostgreSQL. */
export interface OverviewStore {
  /**
   * Counts per `bucketMs` slice of [since, until): every slice is present, oldest first. Reads the indexed time
   * columns of the inbox, the outbox and the runs, so the cost follows the window, not the store's size.
   */
  activity(since: number, until: number, bucketMs: number): Promise<ActivityBucket[]>;
  /** Usage since `since` in total, and the heaviest user and chat (tokens, then cost). */
  usageSince(since: number): Promise<{ total: UsageTotals; topUser: UsageLeader | undefined; topChat: UsageLeader | undefined }>;
}

/** Turns grouped counts into one bucket per slice, zeros included. */
export function fillBuckets(
  since: number,
  until: number,
  bucketMs: number,
  counts: { series: "inbound" | "outbound" | "runs" | "errors"; bucket: number; count: number }[],
): ActivityBucket[] {
  const size = Math.max(0, Math.ceil((until - since) / bucketMs));
  const buckets: ActivityBucket[] = Array.from({ length: size }, (_, index) => ({ startAt: since + index * bucketMs, inbound: 0, outbound: 0, runs: 0, errors: 0 }));
  for (const { series, bucket, count } of counts) {
    const target = buckets[Math.floor(Number(bucket))];
    if (target) target[series] += Number(count);
  }
  return buckets;
}
