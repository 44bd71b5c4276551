import { randomUUID } from "node:crypto";
import type { AdapterStateStore, WaitingReplies } from "../../core/store/store.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { ParkingStore } from "./reply-mailbox.ts";
import type { ReplyWindow } from "./reply-window.ts";

/** What a parked reply waits for: the next message in the conversation `key` of `platform`. */
export function nextInbound(platform: string, key: string): string {
  return `next-inbound:${platform}:${key}`;
}

/**
 * Reply windows as adapter state (`window:<key>` in the platform's namespace) and parked replies as
 * outbox rows waiting for the next message: both in the main store, so they survive a restart.
 */
export function createParkingStore(deps: {
  platform: string;
  state: AdapterStateStore;
  waitingReplies: WaitingReplies;
  now: () => number;
  /** The conversation a key's parked rows belong to. */
  conversationOf: (key: string) => ConversationRef;
}): ParkingStore {
  const { platform, state, waitingReplies, now } = deps;
  return {
    window: (key) => state.get<ReplyWindow>(platform, `window:${key}`, now()),
    async saveWindow(key, window) {
      await state.set(platform, `window:${key}`, window);
    },
    async park(key, part) {
      const rowKey = `${platform}-parked:${randomUUID()}`;
      await waitingReplies.park({ key: rowKey, conversation: deps.conversationOf(key), part }, nextInbound(platform, key), now());
      return rowKey;
    },
    parked: (key) => waitingReplies.waiting(nextInbound(platform, key)),
    async markDelivered(parked, messageId) {
      await waitingReplies.markSent(parked, messageId, now());
    },
  };
}
