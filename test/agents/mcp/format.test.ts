import { describe, expect, it } from "vitest";
import { resultText } from "../../../agents/mcp/result-text.ts";
import { describeMcpCall, mcpToolName, shortDescription } from "../../../agents/mcp/tool.ts";

describe("what an approval request shows", () => {
  it("names the server and tool and gives the arguments as compact JSON, cut after 400 characters", () => {
    expect(describeMcpCall("github", "create_issue", { title: "Bug", labels: ["p1"] })).toBe('github.create_issue({"title":"Bug","labels":["p1"]})');
    const long = describeMcpCall("notes", "add_note", { text: "a".repeat(1000) });
    expect(long).toMatch(/^notes\.add_note\(\{"text":"a+… \(611 more characters\)\)$/);
    expect(long.length).toBeLessThan(460);
  });
});

describe("tool names", () => {
  it("replace what model APIs refuse and stop at 64 characters", () => {
    expect(mcpToolName("my server", "files.read")).toBe("my_server__files_read");
    expect(mcpToolName("s", "ü".repeat(100))).toHaveLength(64);
  });
});

describe("descriptions", () => {
  it("are flattened to one line and cut after a word when no sentence ends early enough", () => {
    expect(shortDescription("Reads\n  a file.\n\n")).toBe("Reads a file.");
    const cut = shortDescription(`${"word ".repeat(100)}end`);
    expect(cut).toMatch(/^(word ){58}word…$/);
    expect(cut.length).toBeLessThanOrEqual(300);
  });
});

describe("what the model reads from a result", () => {
  it("falls back to structured content, then says there was no output", () => {
    expect(resultText({ content: [], structuredContent: { temperatureC: 21 } })).toBe('{"temperatureC":21}');
    expect(resultText({ content: [] })).toBe("(no output)");
    expect(resultText({ content: [], isError: true })).toBe("Error: the tool failed without saying why.");
  });

  it("reads a result in the 2024 protocol's shape", () => {
    expect(resultText({ toolResult: { ok: true } })).toBe('{"ok":true}');
  });

  it("keeps the head and tail of a huge text", () => {
    const text = resultText({ content: [{ type: "text", text: `start ${"x".repeat(200_000)} end` }] });
    expect(text.length).toBeLessThan(51_000);
    expect(text.startsWith("start ")).toBe(true);
    expect(text.endsWith(" end")).toBe(true);
    expect(text).toContain("characters cut");
  });
});
