import { describe, expect, it } from "vitest";
import { markdownToPlainText } from "../../../core/render/plain-text.ts";

describe("Markdown for WeChat (plain text)", () => {
  it("drops emphasis, code and heading marks but keeps the words", () => {
    expect(markdownToPlainText("# Plan\n\nUse **bold**, _em_, ~~old~~ and `npm test`.")).toBe("Plan\n\nUse bold, em, old and npm test.");
  });

  it("writes links as label (url), and bare links once", () => {
    expect(markdownToPlainText("See [the docs](https://example.com/docs) or https://example.com.")).toBe(
      "See the docs (https://example.com/docs) or https://example.com.",
    );
  });

  it("writes lists with bullets and numbers, nested lists indented", () => {
    expect(markdownToPlainText("- one\n- two\n  1. first\n  2. second\n\n3. three\n4. four")).toBe(
      "• one\n• two\n  1. first\n  2. second\n\n3. three\n4. four",
    );
  });

  it("keeps code blocks as their lines, without fences", () => {
    expect(markdownToPlainText("Run:\n\n```bash\nnpm ci\nnpm test\n```\n\nDone.")).toBe("Run:\n\nnpm ci\nnpm test\n\nDone.");
  });

  it("keeps literal characters that were escaped, and quotes, tables and rules readable", () => {
    expect(markdownToPlainText("2 \\* 3 = 6")).toBe("2 * 3 = 6");
    expect(markdownToPlainText("> careful\n> now")).toBe("> careful\n> now");
    expect(markdownToPlainText("| a | b |\n|---|---|\n| 1 | 2 |")).toBe("a | b\n1 | 2");
    expect(markdownToPlainText("above\n\n---\n\nbelow")).toBe("above\n\n————\n\nbelow");
  });

  it("leaves no stray markdown marks in a typical answer", () => {
    const text = markdownToPlainText("## Summary\n\n**Result:** the *build* passed.\n\n- `lint` ok\n- **tests** ok\n\n```\ncode here\n```");
    expect(text).not.toMatch(/\*\*|`|^#/m);
    expect(text).toContain("Result: the build passed.");
  });

  it("strips inline HTML tags and decodes entities", () => {
    expect(markdownToPlainText("a <b>bold</b> &amp; line<br>next")).toBe("a bold & line\nnext");
  });

  it("keeps text that only looks like a tag (generic types, placeholders), dropping real HTML tags", () => {
    expect(markdownToPlainText("Use Vec<String> or Option<T>, not <b>raw</b> HTML.")).toBe("Use Vec<String> or Option<T>, not raw HTML.");
    expect(markdownToPlainText("Run `npm i <package>` then pass <name>.")).toBe("Run npm i <package> then pass <name>.");
    expect(markdownToPlainText("<Foo>\ntext")).toBe("<Foo>\ntext");
    expect(markdownToPlainText("a <!-- note --> b <span class=\"x\">c</span>")).toBe("a  b c");
  });

  it("keeps entities inside code spans literal, as CommonMark renders them", () => {
    expect(markdownToPlainText("Escape it as `&lt;` and `&amp;`; 5 &lt; 6.")).toBe("Escape it as &lt; and &amp;; 5 < 6.");
  });
});
