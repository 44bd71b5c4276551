import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;

/** Adapter state: JSON values by namespace and key, optionally expiring, shared by every process. */
export function describeAdapterStateContract(name: string, factory: StoreFactory): void {
  describe(`${name}: adapter state`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("keeps JSON values by namespace and key, replaced by a later set and gone after delete", async () => {
      const state = store().adapterState;
      await state.set("weixin", "cursor", "cursor-7");
      await state.set("weixin", "window:u1", { contextToken: "ctx", openedAt: t0, sendsUsed: 2 });
      await state.set("wecom", "cursor", { other: true });
      expect(await state.get("weixin", "cursor", t0)).toBe("cursor-7");
      expect(await state.get("weixin", "window:u1", t0)).toEqual({ contextToken: "ctx", openedAt: t0, sendsUsed: 2 });
      expect(await state.get("wecom", "cursor", t0)).toEqual({ other: true });
      await state.set("weixin", "cursor", "cursor-8");
      expect(await state.get("weixin", "cursor", t0)).toBe("cursor-8");
      await state.delete("weixin", "cursor");
      expect(await state.get("weixin", "cursor", t0)).toBeUndefined();
    });

    it("hides a value past its expiry and prunes it", async () => {
      const state = store().adapterState;
      await state.set("wecom", "req:m1", { reqId: "r1" }, t0 + 1000);
      await state.set("wecom", "req:m2", { reqId: "r2" });
      expect(await state.get("wecom", "req:m1", t0 + 999)).toEqual({ reqId: "r1" });
      expect(await state.get("wecom", "req:m1", t0 + 1000)).toBeUndefined();
      expect(await state.pruneExpired(t0 + 1000)).toBe(1);
      expect(await state.get("wecom", "req:m1", t0)).toBeUndefined();
      expect(await state.get("wecom", "req:m2", t0 + 1e12)).toEqual({ reqId: "r2" });
    });

    it("is shared by every connection to the store", async () => {
      await store().adapterState.set("weixin", "cursor", "cursor-1");
      const other = await factory.openAnother();
      expect(await other.adapterState.get("weixin", "cursor", t0)).toBe("cursor-1");
    });
  });
}
