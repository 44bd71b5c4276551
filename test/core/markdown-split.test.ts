import { describe, expect, it } from "vitest";
import { splitMarkdown } from "../../core/markdown-split.ts";

const fenceLine = /^\s*(`{3,}|~{3,})(.*)$/;

/** Walks the chunk line by line as CommonMark does and says whether a code fence is still open at its end. */
function endsInsideFence(chunk: string): boolean {
  let open: string | undefined;
  for (const line of chunk.split("\n")) {
    const match = fenceLine.exec(line);
    if (!match) continue;
    const [, fence, rest] = match as unknown as [string, string, string];
    if (open === undefined) open = fence;
    else if (fence[0] === open[0] && fence.length >= open.length && rest.trim() === "") open = undefined;
  }
  return open !== undefined;
}

/** The words of the text, leaving out fence lines (a split code block repeats them). */
function words(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => !fenceLine.test(line))
    .join(" ")
    .split(/\s+/)
    .filter(Boolean);
}

const codeLines = Array.from({ length: 31 }, (_, index) => `const value${index} = ${index}; // line ${index}`);
const longCode = ["```ts", ...codeLines, "```"].join("\n");

describe("short text", () => {
  it("stays one chunk, unchanged", () => {
    expect(splitMarkdown("Hello **there**.\n\nSecond line.", 4096)).toEqual(["Hello **there**.\n\nSecond line."]);
  });
});

describe("long prose", () => {
  const paragraphs = Array.from({ length: 12 }, (_, index) => `Paragraph ${index} says ${"something ".repeat(8).trim()}.`);
  const text = paragraphs.join("\n\n");

  it("never exceeds the maximum length", () => {
    const chunks = splitMarkdown(text, 200);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(200);
  });

  it("keeps each paragraph whole when it fits in a chunk", () => {
    const chunks = splitMarkdown(text, 200);
    for (const paragraph of paragraphs) {
      expect(chunks.some((chunk) => chunk.includes(paragraph))).toBe(true);
    }
  });

  it("cuts a paragraph longer than a chunk between words", () => {
    const huge = Array.from({ length: 100 }, (_, index) => `word${index}`).join(" ");
    const chunks = splitMarkdown(huge, 120);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(120);
    expect(words(chunks.join("\n"))).toEqual(words(huge));
  });
});

describe("long fenced code block", () => {
  const text = `Here is the code:\n\n${longCode}\nAfter the code.\n\nLast paragraph.`;
  const chunks = splitMarkdown(text, 200);
  const codeChunks = chunks.filter((chunk) => chunk.includes("const value"));

  it("is split into several chunks within the maximum length", () => {
    expect(codeChunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(200);
  });

  it("opens and closes the fence with the same language in every piece", () => {
    for (const chunk of codeChunks) {
      const lines = chunk.split("\n");
      const start = lines.indexOf("```ts");
      expect(start).toBeGreaterThanOrEqual(0);
      expect(lines.slice(start + 1)).toContain("```");
    }
  });

  it("never leaves a chunk inside an open fence, even when text follows the block", () => {
    for (const chunk of chunks) expect(endsInsideFence(chunk), chunk).toBe(false);
  });

  it("closes a four-backtick fence with four backticks", () => {
    const fourTicks = `\`\`\`\`md\n${codeLines.join("\n")}\n\`\`\`\`\n\nEnd.`;
    const pieces = splitMarkdown(fourTicks, 200);
    expect(pieces.length).toBeGreaterThan(2);
    for (const piece of pieces) expect(endsInsideFence(piece), piece).toBe(false);
  });
});

describe("concatenated chunks", () => {
  it("keep every word in order", () => {
    const text = [
      "# Title",
      "Some intro text that explains things.",
      "- item one\n- item two\n- item three",
      longCode,
      "A closing paragraph with a [link](https://example.com).",
    ].join("\n\n");
    const chunks = splitMarkdown(text, 180);
    expect(chunks.length).toBeGreaterThan(1);
    expect(words(chunks.join("\n"))).toEqual(words(text));
  });
});
