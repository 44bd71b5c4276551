import { randomUUID } from "node:crypto";
import type { AdapterStateStore, OutboxPart, WaitingReplies } from "../../core/store/store.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { platform } from "./inbound.ts";
import type { ReplyWindow } from "./reply-window.ts";

/** A parked reply: an outbox row that waits for the user's next message. */
export type ParkedPart = OutboxPart;

export interface WindowStore {
  cursor(): Promise<string>;
  saveCursor(value: string): Promise<void>;
  window(userId: string): Promise<ReplyWindow | undefined>;
  saveWindow(userId: string, window: ReplyWindow): Promise<void>;
  /** Parks a part (one step) behind the ones already parked for the user. */
  park(userId: string, part: ReplyPart): Promise<string>;
  /** The user's parked parts, oldest first. */
  parked(userId: string): Promise<ParkedPart[]>;
  markDelivered(parked: ParkedPart, messageId: string): Promise<void>;
}

const namespace = "weixin";

/** What a parked reply waits for: the user's next message. */
export function nextInbound(userId: string): string {
  return `next-inbound:${platform}:${userId}`;
}

/**
 * What ClawBot needs to survive a restart, in the main store: the getupdates cursor and each user's
 * reply window (adapter state), and the parked replies (outbox rows waiting for the user's next message).
 */
export function createWindowStore(deps: { state: AdapterStateStore; waitingReplies: WaitingReplies; now: () => number }): WindowStore {
  const { state, waitingReplies, now } = deps;
  return {
    async cursor() {
      return (await state.get<string>(namespace, "cursor", now())) ?? "";
    },
    async saveCursor(value) {
      await state.set(namespace, "cursor", value);
    },
    window: (userId) => state.get<ReplyWindow>(namespace, `window:${userId}`, now()),
    async saveWindow(userId, window) {
      await state.set(namespace, `window:${userId}`, window);
    },
    async park(userId, part) {
      const key = `weixin-parked:${randomUUID()}`;
      await waitingReplies.park({ key, conversation: { platform, chatId: userId, kind: "direct" }, part }, nextInbound(userId), now());
      return key;
    },
    parked: (userId) => waitingReplies.waiting(nextInbound(userId)),
    async markDelivered(parked, messageId) {
      await waitingReplies.markSent(parked, messageId, now());
    },
  };
}
