import type { AdapterStateStore, OutboxPart, WaitingReplies } from "../../core/store/store.ts";
import { createParkingStore, nextInbound as nextInboundOf } from "../kit/parking-store.ts";
import type { ParkingStore } from "../kit/reply-mailbox.ts";
import { platform } from "./inbound.ts";

/** A parked reply: an outbox row that waits for the user's next message. */
export type ParkedPart = OutboxPart;

export interface WindowStore extends ParkingStore {
  cursor(): Promise<string>;
  saveCursor(value: string): Promise<void>;
}

const namespace = "weixin";

/** What a parked reply waits for: the user's next message. */
export function nextInbound(userId: string): string {
  return nextInboundOf(platform, userId);
}

/**
 * What ClawBot needs to survive a restart, in the main store: the getupdates cursor and each user's
 * reply window (adapter state), and the parked replies (outbox rows waiting for the user's next message).
 */
export function createWindowStore(deps: { state: AdapterStateStore; waitingReplies: WaitingReplies; now: () => number }): WindowStore {
  const { state, now } = deps;
  const parking = createParkingStore({ ...deps, platform: namespace, conversationOf: (userId) => ({ platform, chatId: userId, kind: "direct" }) });
  return {
    ...parking,
    async cursor() {
      return (await state.get<string>(namespace, "cursor", now())) ?? "";
    },
    async saveCursor(value) {
      await state.set(namespace, "cursor", value);
    },
  };
}
