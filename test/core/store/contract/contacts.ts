import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConversationRef } from "../../../../core/types/conversation.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const dm: ConversationRef = { platform: "telegram", chatId: "42", kind: "direct" };
const slackDm: ConversationRef = { platform: "slack", chatId: "D1", kind: "direct", threadId: "1700.1" };

/** Contacts: where each user can be reached directly, to bring them approval requests. */
export function describeContactsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: contacts`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("finds the conversation remembered for a user, and nothing for a stranger", async () => {
      await store().contacts.remember("telegram:42", dm, t0);
      await store().contacts.remember("slack:U1", slackDm, t0);
      expect(await store().contacts.find("telegram:42")).toEqual(dm);
      expect(await store().contacts.find("slack:U1")).toEqual(slackDm);
      expect(await store().contacts.find("telegram:43")).toBeUndefined();
    });

    it("keeps the latest conversation per user", async () => {
      await store().contacts.remember("telegram:42", dm, t0);
      const moved: ConversationRef = { ...dm, chatId: "4242" };
      await store().contacts.remember("telegram:42", moved, t0 + 1);
      expect(await store().contacts.find("telegram:42")).toEqual(moved);
    });

    it("lets another process find a contact remembered by this one", async () => {
      await store().contacts.remember("telegram:42", dm, t0);
      const other = await factory.openAnother();
      expect(await other.contacts.find("telegram:42")).toEqual(dm);
    });
  });
}
