import { describe, expect, it } from "vitest";
import { speakableText } from "../../../media/tts/speakable.ts";

describe("speakableText reads a Markdown answer as plain sentences", () => {
  it("leaves plain prose as it is, ending each paragraph as a sentence", () => {
    expect(speakableText("The tests pass. Shall I commit?")).toBe("The tests pass. Shall I commit?");
    expect(speakableText("Done\n\nNext step")).toBe("Done. Next step.");
  });

  it("replaces a code block with (code omitted), once for blocks in a row", () => {
    const markdown = "Run this:\n\n```sh\nnpm ci\nnpm test\n```\n\n```\nmore\n```\n\n    indented code\n\nThen push.";
    expect(speakableText(markdown)).toBe("Run this: (code omitted) Then push.");
  });

  it("reads short inline code, but omits a long command line", () => {
    expect(speakableText("Call `chooseTts` first.")).toBe("Call chooseTts first.");
    expect(speakableText("Run `find . -name '*.ts' -newer package.json -exec wc -l {} +` now.")).toBe("Run (code omitted) now.");
  });

  it("keeps links' labels, reads a bare URL as its host, and an e-mail address as itself", () => {
    const markdown = "See [the release notes](https://example.com/releases/v2?utm=x), https://www.github.com/pincer/pincer/issues/7 and <ops@example.com>.";
    expect(speakableText(markdown)).toBe("See the release notes, github.com and ops@example.com.");
  });

  it("drops emphasis, headings, list markers, task boxes and quotes' marks", () => {
    const markdown = "## Summary\n\n**Two** things _changed_ and ~~nothing~~ broke:\n\n- the parser\n- [x] the *tests*\n1. first\n\n> Quoted wisdom";
    expect(speakableText(markdown)).toBe("Summary. Two things changed and nothing broke: the parser. the tests. first. Quoted wisdom.");
  });

  it("reads a table row by row without its pipes", () => {
    const markdown = "| File | Lines |\n| --- | ---: |\n| core.ts | 120 |\n| `x.ts` | 8 |";
    expect(speakableText(markdown)).toBe("File, Lines. core.ts, 120. x.ts, 8.");
  });

  it("drops HTML tags and decodes entities", () => {
    expect(speakableText("Tom &amp; Jerry <b>win</b> &#8212; &lt;3")).toBe("Tom & Jerry win — <3.");
    expect(speakableText("<details><summary>More</summary>\nHidden text\n</details>")).toBe("More Hidden text");
  });

  it("gives nothing to say for an answer that is only code", () => {
    expect(speakableText("```\nls\n```")).toBe("(code omitted)");
    expect(speakableText("   \n\n---\n")).toBe("");
  });

  it("reads Chinese as it is", () => {
    expect(speakableText("**测试**通过了。要提交吗？")).toBe("测试通过了。要提交吗？");
  });
});

describe("speakableText keeps a voice reply short", () => {
  const sentence = (index: number) => `This is sentence number ${index}, which says a little more.`;
  const long = Array.from({ length: 60 }, (_, index) => sentence(index + 1)).join(" ");

  it("cuts at the last sentence that fits under the limit and marks the cut", () => {
    const spoken = speakableText(long);
    expect(spoken.length).toBeLessThanOrEqual(1500);
    expect(spoken.length).toBeGreaterThan(1400);
    expect(spoken).toMatch(/\d+, which says a little more\. …$/);
  });

  it("takes another limit", () => {
    expect(speakableText(long, 130)).toBe(`${sentence(1)} ${sentence(2)} …`);
  });

  it("cuts between words when no sentence ends early enough", () => {
    const spoken = speakableText("word ".repeat(100), 50);
    expect(spoken).toBe(`${"word ".repeat(10).trim()}…`);
    expect(spoken.length).toBeLessThanOrEqual(50);
  });

  it("cuts Chinese after 。 even without spaces", () => {
    const chinese = "这是第一句话。".repeat(10);
    expect(speakableText(chinese, 30)).toBe(`${"这是第一句话。".repeat(4)} …`);
  });

  it("cuts text with no space or sentence end at the limit", () => {
    expect(speakableText("a".repeat(100), 10)).toBe(`${"a".repeat(9)}…`);
  });

  it("counts the length after Markdown is gone", () => {
    const markdown = `[${"x".repeat(10)}](https://example.com/${"long/".repeat(50)})`;
    expect(speakableText(markdown, 20)).toBe(`${"x".repeat(10)}.`);
  });
});
