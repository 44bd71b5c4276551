import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createReplyContexts } from "../../../adapters/wecom/reply-contexts.ts";
import { createSqliteStore } from "../../../core/store/sqlite/index.ts";
import type { Store } from "../../../core/store/store.ts";

let store: Store;
let clock = 1_700_000_000_000;
const now = () => clock;
beforeEach(() => {
  store = createSqliteStore(":memory:");
  clock = 1_700_000_000_000;
});
afterEach(() => store.close());

describe("WeCom reply contexts in the adapter state", () => {
  it("give a callback's req_id once, until it is used or its window has passed", async () => {
    const contexts = createReplyContexts({ state: store.adapterState, windowMs: 60_000, now });
    await contexts.remember("m1", "req-1");
    await contexts.remember("m2", "req-2");
    expect(await contexts.peek("m1")).toEqual({ reqId: "req-1", receivedAt: clock });
    await contexts.markUsed("m1");
    expect(await contexts.peek("m1")).toBeUndefined();
    // A redelivered callback does not revive a used req_id.
    await contexts.remember("m1", "req-1b");
    expect(await contexts.peek("m1")).toBeUndefined();
    clock += 60_001;
    expect(await contexts.peek("m2")).toBeUndefined();
    expect(await contexts.peek(undefined)).toBeUndefined();
  });

  it("are not used by a later adapter instance (a restart: the req_id belonged to the old connection)", async () => {
    await createReplyContexts({ state: store.adapterState, windowMs: 60_000, now }).remember("m1", "req-1");
    const restarted = createReplyContexts({ state: store.adapterState, windowMs: 60_000, now });
    expect(await restarted.peek("m1")).toBeUndefined();
  });

  it("prune expired entries as new callbacks arrive", async () => {
    const contexts = createReplyContexts({ state: store.adapterState, windowMs: 60_000, now });
    await contexts.remember("m1", "req-1");
    clock += 120_000;
    await contexts.remember("m2", "req-2");
    expect(await store.adapterState.pruneExpired(clock)).toBe(0);
    expect(await store.adapterState.get("wecom", "req:m1", 0)).toBeUndefined();
  });
});
