import { describe, expect, it } from "vitest";
import { chunkText } from "../../../agents/knowledge/chunk.ts";
import { htmlToMarkdownText } from "../../../agents/knowledge/extract.ts";

describe("cutting a document into passages", () => {
  it("starts a passage at each heading and names it by the headings above", () => {
    const chunks = chunkText("# Guide\n\nIntro.\n\n## Setup\n\nInstall it.\n\n### Keys\n\nMake a key.\n\n## Use\n\nRun it.");
    expect(chunks).toEqual([
      { section: "Guide", text: "Intro." },
      { section: "Guide › Setup", text: "Install it." },
      { section: "Guide › Setup › Keys", text: "Make a key." },
      { section: "Guide › Use", text: "Run it." },
    ]);
  });

  it("joins paragraphs up to the size, splits a long one at sentence ends, and keeps a code block whole", () => {
    const long = Array.from({ length: 40 }, (_, index) => `Sentence number ${index} is here.`).join(" ");
    const chunks = chunkText(`${long}\n\n\`\`\`\nline one\n\nline two\n\`\`\``, 300);
    expect(chunks.every((chunk) => chunk.text.length <= 300)).toBe(true);
    expect(chunks.slice(0, -1).every((chunk) => chunk.text.endsWith("here."))).toBe(true);
    expect(chunks.at(-1)!.text.endsWith("here.\n\n```\nline one\n\nline two\n```")).toBe(true);
  });

  it("keeps HTML headings as sections", () => {
    const { title, text } = htmlToMarkdownText("<title>T &amp; C</title><h1>Terms</h1><p>Be kind.</p><h2>Refunds</h2><p>Within 30 days.</p>");
    expect(title).toBe("T & C");
    expect(chunkText(text).map((chunk) => chunk.section)).toEqual(["Terms", "Terms › Refunds"]);
  });
});
