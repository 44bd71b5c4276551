import { describe, expect, it } from "vitest";
import { createMemoryTools, toolSpec } from "../../../agents/tools/index.ts";

/** Memory and knowledge tools ride along on every call too: their schemas stay small. */
describe("the memory and knowledge tools", () => {
  const tools = createMemoryTools();

  it("are remember, recall and search_knowledge, none touching the host", () => {
    expect(tools.map((tool) => tool.name)).toEqual(["remember", "recall", "search_knowledge"]);
    expect(tools.every((tool) => tool.risk === "read")).toBe(true);
  });

  it("keep what a model is sent under 750 characters (689 when written)", () => {
    expect(JSON.stringify(tools.map(toolSpec)).length).toBeLessThan(750);
  });
});
