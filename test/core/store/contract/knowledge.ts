import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { KnowledgeDocument } from "../../../../core/store/knowledge-store.ts";
import { type StoreFactory, usingStore } from "./factory.ts";

const document = (overrides: Partial<KnowledgeDocument>): KnowledgeDocument => ({
  kb: "default", source: "/docs/guide.md", title: "Guide", sizeBytes: 100, addedAt: 1_700_000_000_000, embeddingModel: undefined,
  ...overrides,
});

/** Knowledge: documents replaced by source, BM25 search within the bases asked (Chinese too), vectors, removal. */
export function describeKnowledgeContract(name: string, factory: StoreFactory): void {
  describe(`${name}: knowledge`, () => {
    const store = usingStore(factory, { beforeEach, afterEach });

    it("finds passages by relevance with their document and section, only in the bases asked", async () => {
      await store().knowledge.put(document({}), [
        { section: "Deploying", text: "Deploy from the release branch with make deploy." },
        { section: "Tea", text: "The kitchen has green tea." },
      ]);
      await store().knowledge.put(document({ kb: "hr", source: "/hr/leave.md", title: "Leave" }), [
        { section: "Holidays", text: "Holidays are booked in the deploy calendar." },
        { section: "年假", text: "年假需要提前两周申请。" },
      ]);
      const found = await store().knowledge.search(["default"], "how do I deploy?", 5);
      expect(found).toEqual([expect.objectContaining({ kb: "default", source: "/docs/guide.md", title: "Guide", section: "Deploying" })]);
      expect(await store().knowledge.search(["hr"], "年假怎么申请", 5)).toEqual([expect.objectContaining({ section: "年假" })]);
      expect(await store().knowledge.search([], "deploy", 5)).toEqual([]);
      expect(await store().knowledge.search(["default", "hr"], "deploy", 5)).toHaveLength(2);
    });

    it("replaces a document added again, removes documents and bases, and reports sizes", async () => {
      await store().knowledge.put(document({}), [{ section: "", text: "old words about zebras" }]);
      await store().knowledge.put(document({}), [{ section: "", text: "new words about giraffes" }, { section: "", text: "more" }]);
      await store().knowledge.put(document({ source: "/docs/other.md" }), [{ section: "", text: "other" }]);
      expect(await store().knowledge.search(["default"], "zebras", 5)).toEqual([]);
      expect(await store().knowledge.bases()).toEqual([{ kb: "default", documents: 2, chunks: 3, textBytes: 33, embeddedChunks: 0 }]);
      expect(await store().knowledge.remove("default", "/docs/guide.md")).toBe(1);
      expect(await store().knowledge.search(["default"], "giraffes", 5)).toEqual([]);
      expect((await store().knowledge.documents()).map((each) => each.source)).toEqual(["/docs/other.md"]);
      expect(await store().knowledge.remove("default")).toBe(1);
      expect(await store().knowledge.bases()).toEqual([]);
    });

    it("finds the nearest chunks by cosine similarity", async () => {
      await store().knowledge.put(document({ embeddingModel: "fake-embed" }), [
        { section: "A", text: "alpha", embedding: [1, 0, 0] },
        { section: "B", text: "beta", embedding: [0, 1, 0] },
        { section: "C", text: "gamma", embedding: [0.7, 0.7, 0] },
      ]);
      expect((await store().knowledge.nearest(["default"], [0, 1, 0.1], 2)).map((passage) => passage.section)).toEqual(["B", "C"]);
      expect(await store().knowledge.nearest(["other"], [0, 1, 0], 2)).toEqual([]);
      expect((await store().knowledge.documents("default"))[0]!.embeddingModel).toBe("fake-embed");
    });
  });
}
