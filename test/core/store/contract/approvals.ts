import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRecord } from "../../../../core/store/store.ts";
import { directChat } from "../../fixtures.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const record: ApprovalRecord = {
  id: "ab3cd", conversation: directChat, requesterRef: "telegram:u1", tool: "shell", summary: "ls",
  status: "pending", createdAt: t0, expiresAt: t0 + 600_000, decidedBy: undefined, isAlways: false,
};

/** Approvals: a request is decided once, and every process reads the decision. */
export function describeApprovalsContract(name: string, factory: StoreFactory): void {
  describe(`${name}: approvals`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("keeps a request as created until it is settled", async () => {
      await store().approvals.create(record);
      expect(await store().approvals.get("ab3cd")).toEqual(record);
      expect(await store().approvals.get("zzzzz")).toBeUndefined();
    });

    it("settles a pending request once: a second decision changes nothing", async () => {
      await store().approvals.create(record);
      expect(await store().approvals.settle("ab3cd", "approved", "telegram:admin", t0 + 1, true)).toBe(true);
      expect(await store().approvals.settle("ab3cd", "denied", "telegram:u1", t0 + 2)).toBe(false);
      expect(await store().approvals.get("ab3cd")).toMatchObject({ status: "approved", decidedBy: "telegram:admin", isAlways: true });
    });

    it("shows a decision taken through another connection to the waiting one", async () => {
      await store().approvals.create(record);
      const other = await factory.openAnother();
      expect(await other.approvals.settle("ab3cd", "denied", "telegram:admin", t0 + 1)).toBe(true);
      expect(await store().approvals.get("ab3cd")).toMatchObject({ status: "denied", decidedBy: "telegram:admin", isAlways: false });
    });

    it("lists every chat's requests newest first, or those in one state", async () => {
      await store().approvals.create(record);
      await store().approvals.create({ ...record, id: "ef4gh", conversation: { ...directChat, chatId: "200" }, createdAt: t0 + 5 });
      await store().approvals.create({ ...record, id: "jk5mn", createdAt: t0 + 9 });
      await store().approvals.settle("jk5mn", "denied", "console:owner", t0 + 10);
      expect((await store().approvals.list({ limit: 10 })).map((request) => request.id)).toEqual(["jk5mn", "ef4gh", "ab3cd"]);
      expect((await store().approvals.list({ status: "pending", limit: 10 })).map((request) => request.id)).toEqual(["ef4gh", "ab3cd"]);
      expect((await store().approvals.list({ status: "pending", limit: 1 })).map((request) => request.id)).toEqual(["ef4gh"]);
      expect(await store().approvals.list({ status: "denied", limit: 10 })).toMatchObject([{ id: "jk5mn", decidedBy: "console:owner" }]);
    });
  });
}
