import { createDelivery, type Delivery } from "../../core/delivery.ts";
import { createMetrics } from "../../core/metrics.ts";
import { createSqliteStore } from "../../core/store/sqlite/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { Adapter } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { recordingLogger } from "./recording-logger.ts";

/** How the part is sent again: by the turn run once more (its own `send`), or by the outbox's background flush. */
export type ResendBy = "send" | "flush";

/** A delivery over one adapter and store, as one process has it (no inline retries). */
export function deliveryOf(adapter: Adapter, store: Store, logger = recordingLogger()): Delivery {
  return createDelivery({ adapters: new Map([[adapter.platform, adapter]]), outbox: store.outbox, logger, metrics: createMetrics(async () => 0), retries: 0 });
}

/**
 * A send cut off by a crash, then sent again: process A sends the part and dies before the outbox records it
 * (its `markSent` never returns); the next start releases A's claim (as the gateway does); process B, on the same
 * store, finds the part cut off (`wasUnknown`) and sends it again. Resolves with what B's logger heard.
 */
export async function sendCutOffThenAgain(adapter: Adapter, key: string, to: ConversationRef, part: ReplyPart, resendBy: ResendBy) {
  const store = createSqliteStore(":memory:");
  try {
    const { promise: died, resolve: die } = Promise.withResolvers<void>();
    const dying = { ...store.outbox, markSent: () => (die(), new Promise<void>(() => {})) };
    void deliveryOf(adapter, { ...store, outbox: dying }).send(key, to, part);
    await died;
    if ((await store.outbox.releaseLeases()) !== 1) throw new Error("the part was not left mid-send");

    const logger = recordingLogger();
    const processB = deliveryOf(adapter, store, logger);
    if (resendBy === "send") await processB.send(key, to, part);
    else await processB.flushDue();
    const row = await store.outbox.get(key);
    return { logger, row };
  } finally {
    store.close();
  }
}
