import { describe, expect, it } from "vitest";
import { budgetShares, compactionRoom, messageTokens, planContext, trimHeadTail, type CountTokens } from "../../core/context.ts";
import type { StoredSessionMessage } from "../../core/types/agent.ts";

/** One token per word: easy to reason about, and the functions only need some counter. */
const words: CountTokens = (text) => text.split(/\s+/).filter(Boolean).length;

const history = (count: number, wordsEach: number): StoredSessionMessage[] =>
  Array.from({ length: count }, (_, index) => ({
    seq: index + 1,
    role: index % 2 === 0 ? "user" : "assistant",
    text: Array.from({ length: wordsEach }, () => "w").join(" "),
    createdAt: index,
  }));

const budget = { totalTokens: 1000, fixedTokens: 200, turnTokens: 100, summaryTokens: 100 };

describe("planContext", () => {
  it("keeps the whole history verbatim while it fits", () => {
    const plan = planContext(history(10, 20), budget, words);
    expect(plan.keep).toHaveLength(10);
    expect(plan.compact).toEqual([]);
  });

  it("compacts the oldest messages down to half the room once the history overflows, keeping the newest", () => {
    const all = history(40, 26); // 30 tokens each with framing, 1,200 in all, room is 600
    const plan = planContext(all, budget, words);
    const keptTokens = plan.keep.reduce((sum, message) => sum + messageTokens(message, words), 0);
    expect(keptTokens).toBeLessThanOrEqual(300);
    expect(keptTokens).toBeGreaterThan(300 - 30);
    expect(plan.keep.at(-1)!.seq).toBe(40);
    expect([...plan.compact, ...plan.keep].map((message) => message.seq)).toEqual(all.map((message) => message.seq));
  });

  it("never keeps more than the room, whatever the turn already takes", () => {
    const plan = planContext(history(6, 50), { ...budget, turnTokens: 650 }, words);
    expect(plan.keep).toEqual([]);
    expect(plan.compact).toHaveLength(6);
  });
});

describe("trimHeadTail", () => {
  it("leaves short text alone", () => {
    expect(trimHeadTail("a b c", 10, words)).toBe("a b c");
  });

  it("keeps the head and the tail within the limit and says what was cut", () => {
    const text = Array.from({ length: 1000 }, (_, index) => `w${index}`).join(" ");
    const trimmed = trimHeadTail(text, 100, words);
    expect(words(trimmed)).toBeLessThanOrEqual(100);
    expect(trimmed.startsWith("w0 w1")).toBe(true);
    expect(trimmed.endsWith("w999")).toBe(true);
    expect(trimmed).toMatch(/\[… \d+ characters trimmed to save tokens …\]/);
  });
});

describe("budgetShares: how one call's budget is shared out", () => {
  it("gives the summary 15%, tool results 20% and the new message 30% of a small budget", () => {
    expect(budgetShares(2000)).toEqual({ summaryTokens: 300, toolResultTokens: 400, turnTextTokens: 600, memoryTokens: 100, lowWater: 0.5 });
  });

  it("caps the summary at 800 and tool results at 1,500 tokens in a large budget", () => {
    const shares = budgetShares(100_000);
    expect(shares.summaryTokens).toBe(800);
    expect(shares.toolResultTokens).toBe(1500);
    expect(shares.turnTextTokens).toBe(30_000);
  });

  it("is the low-water mark planContext cuts to by default", () => {
    const all = history(40, 26);
    expect(planContext(all, budget, words)).toEqual(planContext(all, budget, words, budgetShares(budget.totalTokens).lowWater));
  });

  it("leaves a compaction call room for its messages after the prompt and both summaries, never under 200", () => {
    expect(compactionRoom(8000, 100, 800)).toBe(8000 - 100 - 1600 - 64);
    expect(compactionRoom(1000, 100, 400)).toBe(200);
  });
});
