import { countTokens } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../core/config.ts";
import { memoryBlock } from "../../core/memory.ts";
import { ftsMatch, searchTerms } from "../../core/store/fts-query.ts";
import { memoryOwner, type MemoryRecord } from "../../core/store/memory-store.ts";

const record = (text: string, owner = memoryOwner.user("web:owner")): MemoryRecord => ({
  id: text, owner, text, authorRef: "web:owner", conversationKey: "web:c", createdAt: 0,
});

describe("the memory block of a turn", () => {
  it("takes memories in relevance order while they fit, never past the share", () => {
    const records = Array.from({ length: 200 }, (_, index) => record(`fact ${index}: ${"word ".repeat(index % 7)}`));
    for (const maxTokens of [0, 10, 57, 300, 5000]) {
      expect(countTokens(memoryBlock(records, maxTokens, countTokens))).toBeLessThanOrEqual(maxTokens);
    }
    const block = memoryBlock([record("first"), record("second", memoryOwner.chat("web:c"))], 100, countTokens);
    expect(block.split("\n").slice(1)).toEqual(["- first", "- (this chat) second"]);
    expect(memoryBlock([], 100, countTokens)).toBe("");
  });
});

describe("full-text terms for the trigram index", () => {
  it("keeps words of three letters or more and cuts Chinese into three-character pieces", () => {
    expect(searchTerms("Where do I deploy? 从发布分支")).toEqual(["deploy", "从发布", "发布分", "布分支"]);
  });

  it("quotes every term so a user's text is never an FTS5 operator", () => {
    expect(ftsMatch('NEAR(x y) OR "quoted" *star')).toBe('"near" OR "quoted" OR "star"');
    expect(ftsMatch("a b ?")).toBeUndefined();
  });
});

describe("PINCER_MEMORY_TOKENS", () => {
  it("defaults to 5% of the context budget and may not exceed half of it", () => {
    expect(loadConfig({ PINCER_CONTEXT_TOKENS: "10000" }).budget.memoryTokens).toBe(500);
    expect(loadConfig({ PINCER_MEMORY_TOKENS: "1200" }).budget.memoryTokens).toBe(1200);
    expect(() => loadConfig({ PINCER_MEMORY_TOKENS: "5000" })).toThrow(/PINCER_MEMORY_TOKENS: expected at most half/);
    expect(() => loadConfig({ PINCER_MEMORY_TOKENS: "lots" })).toThrow(/PINCER_MEMORY_TOKENS/);
  });
});
