import type { RateLimits } from "../../core/store/rate-limits.ts";
import { BridgeError } from "../../core/types/errors.ts";

export interface PacerOptions {
  /** At least this long between two sends to the same chat. */
  chatIntervalMs: number;
  /** At least this long between two sends of the account, whatever the chat. */
  accountIntervalMs: number;
  /** At most this many sends of the account in any 60 s. */
  sendsPerMinute: number;
  /**
   * Takes the account's send slot in the shared store (`RateLimits`: one take per `accountIntervalMs`, timed by the
   * store's clock); false while another process sent within the interval. Several processes on one store then never
   * send for the account within the interval, a handover of its connection included. Absent: this process's pace only.
   */
  takeAccountSlot?: () => Promise<boolean>;
  /**
   * Takes one of the account's `sendsPerMinute` sends of the rolling window in the shared store (`RateLimits`);
   * false while the window is full, counting the sends of every process on the store. Absent: this process's count only.
   */
  takeMinuteSlot?: () => Promise<boolean>;
  /** The rolling window `sendsPerMinute` counts over: 60 000 (tests shorten it). */
  minuteMs?: number;
  now?: () => number;
}

export interface Pacer {
  /** Runs `work` when its turn comes: in the order asked, never faster than the limits. */
  run<T>(chatKey: string, work: () => Promise<T>): Promise<T>;
  /** Queued sends fail (retryably: the outbox sends them after a restart); nothing stays scheduled. */
  stop(): void;
}

interface Job {
  chatKey: string;
  work: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** How soon a shared slot is asked for again while other processes hold it (the account's interval, the minute's cap). */
const slotRetryMs = (intervalMs: number) => Math.max(50, Math.min(Math.round(intervalMs / 4), 1_000));

/**
 * The outbound pace of one WeChat account. Bursts from a bot are what WeChat's risk control
 * flags, so every send waits for its turn: one queue per account, in order, each send starting
 * only after the previous one settled and the intervals and the rolling per-minute cap allow.
 */
export function createPacer(options: PacerOptions): Pacer {
  const now = options.now ?? Date.now;
  const minuteMs = options.minuteMs ?? 60_000;
  // Asked in this order: a refused minute slot costs only the account's short interval, never a slot of the minute.
  const sharedSlots = [
    ...(options.takeAccountSlot ? [{ take: options.takeAccountSlot, retryMs: slotRetryMs(options.accountIntervalMs) }] : []),
    ...(options.takeMinuteSlot ? [{ take: options.takeMinuteSlot, retryMs: slotRetryMs(minuteMs / Math.max(1, options.sendsPerMinute)) }] : []),
  ];
  const queue: Job[] = [];
  const lastSendAtByChat = new Map<string, number>();
  const recentSendTimes: number[] = [];
  let lastSendAt = Number.NEGATIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;
  let isBusy = false;
  let isStopped = false;

  const forget = (at: number) => {
    while (recentSendTimes.length > 0 && recentSendTimes[0]! <= at - minuteMs) recentSendTimes.shift();
    for (const [chatKey, sentAt] of lastSendAtByChat) if (sentAt <= at - options.chatIntervalMs) lastSendAtByChat.delete(chatKey);
  };

  const waitMsFor = (job: Job, at: number): number => {
    forget(at);
    const waits = [lastSendAt + options.accountIntervalMs - at, (lastSendAtByChat.get(job.chatKey) ?? Number.NEGATIVE_INFINITY) + options.chatIntervalMs - at];
    if (recentSendTimes.length >= options.sendsPerMinute) waits.push(recentSendTimes[recentSendTimes.length - options.sendsPerMinute]! + minuteMs - at);
    return Math.max(0, ...waits);
  };

  const pump = async () => {
    timer = undefined;
    if (isBusy || isStopped) return;
    const job = queue[0];
    if (!job) return;
    const waitMs = waitMsFor(job, now());
    if (waitMs > 0) {
      timer = setTimeout(() => void pump(), waitMs);
      return;
    }
    for (const slot of sharedSlots) {
      isBusy = true;
      // The store unreachable: this process's own pace and cap still hold.
      const isTaken = await slot.take().catch(() => true);
      isBusy = false;
      if (isStopped) return;
      if (!isTaken) {
        timer = setTimeout(() => void pump(), slot.retryMs);
        return;
      }
    }
    queue.shift();
    isBusy = true;
    const startedAt = now();
    lastSendAt = startedAt;
    lastSendAtByChat.set(job.chatKey, startedAt);
    recentSendTimes.push(startedAt);
    try {
      job.resolve(await job.work());
    } catch (error) {
      job.reject(error);
    } finally {
      isBusy = false;
    }
    await pump();
  };

  return {
    run<T>(chatKey: string, work: () => Promise<T>): Promise<T> {
      if (isStopped) return Promise.reject(stoppedError());
      return new Promise<T>((resolve, reject) => {
        queue.push({ chatKey, work, resolve: resolve as (value: unknown) => void, reject });
        if (!timer) void pump();
      });
    },
    stop() {
      isStopped = true;
      clearTimeout(timer);
      timer = undefined;
      for (const job of queue.splice(0)) job.reject(stoppedError());
    },
  };
}

const stoppedError = () => new BridgeError("upstream", "The WeChat channel stopped before this message was sent.");

/** One of the account's sends of the rolling window, counted in the store for every process on it. */
export function minuteSlot(rateLimits: RateLimits, key: string, sendsPerMinute: number, minuteMs = 60_000): () => Promise<boolean> {
  return () => rateLimits.take(key, sendsPerMinute, minuteMs);
}

/**
 * The account's send slot: one take of the rolling window `intervalMs` in the store, so nobody (this process
 * included) sends for the account again within `intervalMs` of the store's clock.
 */
export function accountSlot(rateLimits: RateLimits, key: string, intervalMs: number): () => Promise<boolean> {
  return () => (intervalMs > 0 ? rateLimits.take(key, 1, intervalMs) : Promise.resolve(true));
}
