import { describe, expect, it } from "vitest";
import { titleOf, toDingtalkMarkdown } from "../../../adapters/dingtalk/markdown.ts";

describe("DingTalk markdown", () => {
  it("keeps what DingTalk renders as written: headings, bold, links, lists, quotes, images and code", () => {
    const source = "# Title\n\n**bold** and *it* [link](https://example.com)\n\n- one\n- two\n\n> quoted\n\n![chart](https://example.com/c.png)\n\n```ts\nconst a = ~~1~~;\n```";
    expect(toDingtalkMarkdown(source)).toBe(source);
  });

  it("drops what it lacks and keeps the words: strikethrough, HTML tags, task boxes", () => {
    expect(toDingtalkMarkdown("~~old~~ new <b>bold</b><br>next")).toBe("old new bold\nnext");
    expect(toDingtalkMarkdown("- [x] done\n- [ ] todo")).toBe("- ☑ done\n- ☐ todo");
  });

  it("titles a message with its first words, plain and short", () => {
    expect(titleOf("## **Build** report\n\nall green")).toBe("Build report");
    expect([...titleOf("长".repeat(50))].length).toBe(30);
    expect(titleOf("")).toBe("Pincer");
  });
});

describe("DingTalk links", () => {
  it("writes a target with a space plainly, %20 for the space; other links stay as written, code untouched", () => {
    expect(toDingtalkMarkdown('[a **b**](<https://e.org/x y> "t")')).toBe('[a **b**](https://e.org/x%20y "t")');
    expect(toDingtalkMarkdown("[ok](https://e.org/x_(y))")).toBe("[ok](https://e.org/x_(y))");
    expect(toDingtalkMarkdown("`[c](<https://e.org/a b>)`")).toBe("`[c](<https://e.org/a b>)`");
  });
});
