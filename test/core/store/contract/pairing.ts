import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PairingRequest } from "../../../../core/store/store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const person: PairingRequest = {
  platform: "telegram", chatId: undefined, userId: "u1", displayName: "Ada", code: "ABCD2345",
  createdAt: t0, expiresAt: t0 + 3_600_000, lastSentAt: t0, approvedAt: undefined,
};
const group: PairingRequest = { ...person, chatId: "-500", userId: "u2", displayName: "Team", code: "WXYZ6789" };

/** Pairing: one request per person or group, approved by code before it expires. */
export function describePairingContract(name: string, factory: StoreFactory): void {
  describe(`${name}: pairing`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("keeps a person's and a group's requests apart", async () => {
      await store().pairing.save(person);
      await store().pairing.save(group);
      expect(await store().pairing.find({ platform: "telegram", chatId: undefined, userId: "u1" })).toEqual(person);
      expect(await store().pairing.find({ platform: "telegram", chatId: "-500", userId: "anyone" })).toEqual(group);
      expect(await store().pairing.find({ platform: "slack", chatId: undefined, userId: "u1" })).toBeUndefined();
    });

    it("replaces a subject's request and records when its code was last sent", async () => {
      await store().pairing.save(person);
      await store().pairing.save({ ...person, code: "NEWC2345", createdAt: t0 + 5 });
      await store().pairing.markSent(person, t0 + 10);
      expect(await store().pairing.find(person)).toMatchObject({ code: "NEWC2345", lastSentAt: t0 + 10 });
      expect(await store().pairing.listPending(t0)).toHaveLength(1);
    });

    it("approves an unexpired code once, whatever its case", async () => {
      await store().pairing.save(person);
      await store().pairing.save(group);
      expect(await store().pairing.approve("telegram", "abcd2345", t0 + 1)).toMatchObject({ userId: "u1", approvedAt: t0 + 1 });
      expect(await store().pairing.approve("telegram", "ABCD2345", t0 + 2)).toBeUndefined();
      expect(await store().pairing.approve("telegram", "WXYZ6789", t0 + 3_600_000)).toBeUndefined();
      expect((await store().pairing.listPending(t0 + 2)).map((request) => request.code)).toEqual(["WXYZ6789"]);
      expect(await store().pairing.listPending(t0 + 3_600_000)).toEqual([]);
    });

    it("takes effect at once for every connection (the CLI approves while the gateway runs)", async () => {
      await store().pairing.save(person);
      const cli = await factory.openAnother();
      await cli.pairing.approve("telegram", "ABCD2345", t0 + 1);
      expect((await store().pairing.find(person))?.approvedAt).toBe(t0 + 1);
    });

    it("lists approved people and groups, and revokes one so that they pair again", async () => {
      await store().pairing.save(person);
      await store().pairing.save(group);
      await store().pairing.save({ ...person, userId: "u3", code: "PQRS2345" });
      await store().pairing.approve("telegram", "ABCD2345", t0 + 1);
      await store().pairing.approve("telegram", "WXYZ6789", t0 + 2);
      expect((await store().pairing.listApproved(10)).map((request) => request.code)).toEqual(["WXYZ6789", "ABCD2345"]);
      expect(await store().pairing.revoke({ platform: "telegram", chatId: "-500", userId: "" })).toBe(true);
      expect(await store().pairing.revoke({ platform: "telegram", chatId: "-500", userId: "" })).toBe(false);
      expect(await store().pairing.find(group)).toBeUndefined();
      expect((await store().pairing.listApproved(10)).map((request) => request.userId)).toEqual(["u1"]);
      expect((await store().pairing.listPending(t0)).map((request) => request.userId)).toEqual(["u3"]);
    });
  });
}
