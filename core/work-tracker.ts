import type { Metrics } from "./metrics.ts";
import { toBridgeError } from "./types/errors.ts";
import type { Logger } from "./types/logger.ts";

/** Background work kept awaitable (`idle`, a shutdown's grace); a failure is logged once here, never an unhandled rejection. */
export interface WorkTracker {
  track(work: Promise<void>): void;
  /** Resolves when nothing is in flight (work started meanwhile included). */
  idle(): Promise<void>;
  /** Whether everything finished within `graceMs`. */
  idleWithin(graceMs: number): Promise<boolean>;
}

export function createWorkTracker(metrics: Metrics, logger: Logger): WorkTracker {
  const inFlight = new Set<Promise<void>>();
  const idle = async () => {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  };
  return {
    track(work) {
      const tracked = work
        .catch((thrown: unknown) => {
          const error = toBridgeError(thrown);
          metrics.errors.inc({ code: error.code });
          logger.error({ err: error }, "background work failed");
        })
        .finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    },
    idle,
    async idleWithin(graceMs) {
      const timer = Promise.withResolvers<boolean>();
      const timeout = setTimeout(() => timer.resolve(false), graceMs);
      try {
        return await Promise.race([idle().then(() => true), timer.promise]);
      } finally {
        clearTimeout(timeout);
      }
    },
  };
}
