import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StoreFactory, usingStore } from "./factory.ts";

/** Conversation leases and the `/stop` requests addressed to their holders. */
export function describeLeasesContract(name: string, factory: StoreFactory): void {
  describe(`${name}: leases`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("gives a free key to one holder and refuses it to everyone while held, the holder too", async () => {
      const { leases } = store();
      expect(await leases.acquire("c1", "a", 10_000)).toBe(true);
      expect(await leases.acquire("c1", "b", 10_000)).toBe(false);
      expect(await leases.acquire("c1", "a", 10_000)).toBe(false);
      expect(await leases.acquire("c2", "b", 10_000)).toBe(true);
      expect(await leases.holder("c1")).toBe("a");
      expect(await leases.holder("c3")).toBeUndefined();
    });

    it("frees the key on release by its holder only", async () => {
      const { leases } = store();
      await leases.acquire("c1", "a", 10_000);
      await leases.release("c1", "b");
      expect(await leases.holder("c1")).toBe("a");
      await leases.release("c1", "a");
      expect(await leases.holder("c1")).toBeUndefined();
      expect(await leases.acquire("c1", "b", 10_000)).toBe(true);
    });

    it("lets another holder take a lease that ran out, and then the old holder cannot renew it", async () => {
      const { leases } = store();
      await leases.acquire("c1", "a", 30);
      await sleep(60);
      expect(await leases.holder("c1")).toBeUndefined();
      expect(await leases.acquire("c1", "b", 10_000)).toBe(true);
      expect(await leases.renew("c1", "a", 10_000)).toBe(false);
      expect(await leases.holder("c1")).toBe("b");
    });

    it("keeps a renewed lease past its first term", async () => {
      const { leases } = store();
      await leases.acquire("c1", "a", 80);
      await sleep(40);
      expect(await leases.renew("c1", "a", 10_000)).toBe(true);
      await sleep(60);
      expect(await leases.acquire("c1", "b", 10_000)).toBe(false);
      expect(await leases.holder("c1")).toBe("a");
    });

    it("is shared by every connection to the store", async () => {
      const { leases } = store();
      const other = await factory.openAnother();
      expect(await leases.acquire("c1", "a", 10_000)).toBe(true);
      expect(await other.leases.acquire("c1", "b", 10_000)).toBe(false);
      expect(await other.leases.holder("c1")).toBe("a");
    });

    it("releases every lease after a restart of the only process", async () => {
      const { leases } = store();
      await leases.acquire("c1", "a", 10_000);
      await leases.acquire("c2", "a", 10_000);
      expect(await leases.releaseAll()).toBe(2);
      expect(await leases.acquire("c1", "b", 10_000)).toBe(true);
    });
  });

  describe(`${name}: stop requests`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("delivers a stop from another process to the lease's holder, once", async () => {
      const { leases } = store();
      const other = await factory.openAnother();
      await leases.acquire("c1", "a", 10_000);
      await leases.acquire("c2", "a", 10_000);
      expect(await other.leases.requestStop("c1", "b")).toBe(true);
      expect(await leases.takeStops("b")).toEqual([]);
      expect(await leases.takeStops("a")).toEqual(["c1"]);
      expect(await leases.takeStops("a")).toEqual([]);
    });

    it("says nothing is running when nobody else holds the conversation", async () => {
      const { leases } = store();
      expect(await leases.requestStop("c1", "b")).toBe(false);
      await leases.acquire("c1", "a", 10_000);
      // The holder stops its own runs without the store.
      expect(await leases.requestStop("c1", "a")).toBe(false);
      await leases.acquire("c2", "a", 30);
      await sleep(60);
      expect(await leases.requestStop("c2", "b")).toBe(false);
    });

    it("forgets a stop that arrived for a lease given up before it was taken", async () => {
      const { leases } = store();
      await leases.acquire("c1", "a", 10_000);
      await leases.requestStop("c1", "b");
      await leases.release("c1", "a");
      await leases.acquire("c1", "a", 10_000);
      expect(await leases.takeStops("a")).toEqual([]);
    });
  });
}
