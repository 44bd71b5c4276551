import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryOwner, type MemoryRecord } from "../../../../core/store/memory-store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const t0 = 1_700_000_000_000;
const alice = memoryOwner.user("telegram:alice");
const bob = memoryOwner.user("telegram:bob");
const group = memoryOwner.chat("telegram:-100");
let next = 0;
const memory = (overrides: Partial<MemoryRecord>): MemoryRecord => ({
  id: `m${(next += 1)}`, owner: alice, text: "a fact", authorRef: "telegram:alice", conversationKey: "telegram:alice", createdAt: t0 + next,
  ...overrides,
});

/** Memories: per owner, never another's; full-text relevance (Chinese too), then recency; forgetting; export; counts. */
export function describeMemoriesContract(name: string, factory: StoreFactory): void {
  describe(`${name}: memories`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("lists an owner's memories oldest first and never another owner's", async () => {
      await store().memories.add(memory({ id: "a1", text: "I deploy from the release branch" }));
      await store().memories.add(memory({ id: "b1", owner: bob, authorRef: "telegram:bob", text: "Bob's secret" }));
      await store().memories.add(memory({ id: "a2", text: "I like tea" }));
      expect((await store().memories.list([alice])).map((record) => record.id)).toEqual(["a1", "a2"]);
      expect((await store().memories.list([bob])).map((record) => record.text)).toEqual(["Bob's secret"]);
      expect(await store().memories.search([alice], "secret", 10)).not.toContainEqual(expect.objectContaining({ id: "b1" }));
    });

    it("finds the most relevant memories first, then the newest, in English and Chinese", async () => {
      await store().memories.add(memory({ id: "old", text: "The release branch is called release/2026" }));
      await store().memories.add(memory({ id: "tea", text: "I like green tea" }));
      await store().memories.add(memory({ id: "zh", text: "我们从发布分支部署生产环境" }));
      await store().memories.add(memory({ id: "new", text: "My cat is called Miso" }));
      expect((await store().memories.search([alice], "which release branch?", 10)).map((record) => record.id)).toEqual(["old", "new", "zh", "tea"]);
      expect((await store().memories.search([alice], "从哪个发布分支部署?", 1)).map((record) => record.id)).toEqual(["zh"]);
      expect((await store().memories.search([alice], "", 2)).map((record) => record.id)).toEqual(["new", "zh"]);
    });

    it("forgets only among the owner's memories", async () => {
      await store().memories.add(memory({ id: "a1", text: "release branch" }));
      await store().memories.add(memory({ id: "b1", owner: bob, text: "release branch too" }));
      expect(await store().memories.remove([alice], ["b1"])).toBe(0);
      expect(await store().memories.remove([alice], ["a1"])).toBe(1);
      expect(await store().memories.search([alice, bob], "release", 10)).toEqual([expect.objectContaining({ id: "b1" })]);
    });

    it("exports what is stored about a person, and counts without texts", async () => {
      await store().memories.add(memory({ id: "a1" }));
      await store().memories.add(memory({ id: "g1", owner: group, conversationKey: "telegram:-100" }));
      await store().memories.add(memory({ id: "g2", owner: group, authorRef: "telegram:bob", conversationKey: "telegram:-100" }));
      expect((await store().memories.about("telegram:alice")).map((record) => record.id)).toEqual(["a1", "g1"]);
      expect(await store().memories.counts()).toEqual({ users: 1, chats: 1, memories: 3 });
    });
  });
}
