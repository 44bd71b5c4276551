import { setTimeout as sleep } from "node:timers/promises";
import type { LeaseStore } from "../core/store/store.ts";
import type { Adapter, ChannelHealth, InboundSink } from "../core/types/adapter.ts";
import type { Logger } from "../core/types/logger.ts";

export interface ConnectionLeaseDeps {
  leases: LeaseStore;
  /** This process's lease holder id. */
  holder: string;
  leaseMs: number;
  logger: Logger;
}

/** A channel that receives through a connection it opens (a poller, a socket), not through webhook routes. */
export function holdsLongConnection(adapter: Adapter): boolean {
  return adapter.platform !== "web" && (adapter.routes ?? []).length === 0;
}

/**
 * The channel's long connection held by one process of several on a shared store: its `start` runs only while
 * this process holds the lease `connection:<channelId>`, renewed every third of the lease. Other processes stand by
 * (ready: they still send replies and serve routes) and try to take the lease over every third of it, so a dead
 * holder's connection is reopened elsewhere within two lease periods. A holder that loses its lease (stalled past
 * it) stops the connection at once: two pollers at a time is what the lease exists to prevent.
 */
export function underConnectionLease(adapter: Adapter, channelId: string, deps: ConnectionLeaseDeps): Adapter {
  const key = `connection:${channelId}`;
  const log = deps.logger.child({ channel: channelId, lease: key });
  let isHolding = false;
  let hasLost = false;
  let currentHolder: string | undefined;
  const stopping = new AbortController();
  let loop: Promise<void> | undefined;

  const tick = async (sink: InboundSink, signal: AbortSignal) => {
    if (isHolding) {
      if (await deps.leases.renew(key, deps.holder, deps.leaseMs)) return;
      isHolding = false;
      hasLost = true;
      log.error({}, "the connection's lease was lost (this process stalled past it): stopping the connection; another process holds it");
      await adapter.stop();
      return;
    }
    if (hasLost) return;
    if (await deps.leases.acquire(key, deps.holder, deps.leaseMs)) {
      isHolding = true;
      log.info({}, "holding the connection");
      await adapter.start(sink, signal);
      return;
    }
    currentHolder = await deps.leases.holder(key);
  };

  const run = async (sink: InboundSink, signal: AbortSignal) => {
    const both = AbortSignal.any([signal, stopping.signal]);
    while (!both.aborted) {
      try {
        await tick(sink, both);
      } catch (error) {
        log.warn({ err: error }, "the connection's lease could not be checked");
      }
      await sleep(deps.leaseMs / 3, undefined, { signal: both }).catch(() => undefined);
    }
  };

  return {
    ...adapter,
    async start(sink, signal) {
      // The first attempt is awaited (a single process starts its connection as before); the rest runs behind.
      try {
        await tick(sink, AbortSignal.any([signal, stopping.signal]));
      } catch (error) {
        log.warn({ err: error }, "the connection's lease could not be checked");
      }
      loop = run(sink, signal);
    },
    async stop() {
      stopping.abort();
      await loop;
      if (isHolding) {
        isHolding = false;
        await adapter.stop();
        await deps.leases.release(key, deps.holder).catch((error: unknown) => log.warn({ err: error }, "releasing the connection's lease failed"));
      } else {
        await adapter.stop();
      }
    },
    health(): ChannelHealth {
      if (isHolding) return adapter.health();
      if (hasLost) return { state: "degraded", detail: `lost ${key}; another process holds the connection` };
      return { state: "ready", detail: `standby: ${key} is held by ${currentHolder ?? "another process"}` };
    },
  };
}
