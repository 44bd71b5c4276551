import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { Broadcast } from "../../core/store/broadcast.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { WebEvent } from "./subscribers.ts";

/** The topic every process's web chat publishes its page events on. */
export const webEventsTopic = "web:events";

const relayedSchema = z.object({
  origin: z.string().min(1).max(100),
  conversationId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  event: z.discriminatedUnion("type", [
    z.object({ type: z.literal("message"), messageId: z.string().max(200), part: z.unknown() }),
    z.object({ type: z.literal("edit"), messageId: z.string().max(200), part: z.unknown() }),
    z.object({ type: z.literal("typing") }),
  ]),
});

/**
 * A page's events across the processes sharing a store: an event is written to this process's streams at once and
 * published for the others; what another process published is written to this process's streams. An event comes
 * back to the process that published it too and is skipped there (its `origin`), so each stream gets it once.
 */
export function createWebRelay(deps: { broadcast: Broadcast | undefined; logger: Logger; deliver: (conversationId: string, event: WebEvent) => void }) {
  const origin = randomUUID();
  let unsubscribe: (() => void) | undefined;

  const receive = (payload: string) => {
    let relayed: z.infer<typeof relayedSchema>;
    try {
      relayed = relayedSchema.parse(JSON.parse(payload));
    } catch (error) {
      deps.logger.warn({ err: error }, "a web chat event from another process was not understood");
      return;
    }
    if (relayed.origin === origin) return;
    deps.deliver(relayed.conversationId, relayed.event as WebEvent);
  };

  return {
    async start() {
      if (!deps.broadcast || unsubscribe) return;
      unsubscribe = deps.broadcast.subscribe(webEventsTopic, receive);
      await deps.broadcast.ready();
    },
    stop() {
      unsubscribe?.();
      unsubscribe = undefined;
    },
    /** Delivered here now; published in order for the other processes (a failure to publish only logs). */
    async emit(conversationId: string, event: WebEvent) {
      deps.deliver(conversationId, event);
      if (!deps.broadcast) return;
      try {
        await deps.broadcast.publish(webEventsTopic, JSON.stringify({ origin, conversationId, event }));
      } catch (error) {
        deps.logger.warn({ err: error }, "a web chat event could not be published to the other processes");
      }
    },
  };
}
