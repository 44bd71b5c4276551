import { describe, expect, it } from "vitest";
import { toFeishuMarkdown } from "../../../adapters/feishu/markdown.ts";

describe("CommonMark → Feishu card Markdown", () => {
  it("keeps bold, italic, strike, code and links", () => {
    expect(toFeishuMarkdown("**bold** _it_ ~~gone~~ `x<y` [site](https://a.example/p)")).toBe("**bold** *it* ~~gone~~ `x<y` [site](https://a.example/p)");
  });

  it("escapes what the card would read as its own tags or marks", () => {
    expect(toFeishuMarkdown("a < b & <at id=all></at> 2\\*3")).toBe("a &lt; b &amp; &lt;at id=all&gt;&lt;/at&gt; 2\\*3");
  });

  it("turns headings into bold lines and images into links, and keeps code blocks whole", () => {
    expect(toFeishuMarkdown("# Title\n\n![chart](https://a.example/c.png)")).toBe("**Title**\n\n[chart](https://a.example/c.png)");
    expect(toFeishuMarkdown("```ts\nconst a = 1 < 2;\n```")).toBe("```ts\nconst a = 1 < 2;\n```");
  });

  it("keeps a code block inside a list item whole, every line indented with the item", () => {
    expect(toFeishuMarkdown("1. one\n\n   ```\n   a\n   b\n   ```\n2. two")).toBe("1. one\n  ```\n  a\n  b\n  ```\n2. two");
  });

  it("keeps a link whose target has a space or a parenthesis whole", () => {
    expect(toFeishuMarkdown("[doc](<https://a.example/my file.pdf>) [w](https://a.example/x_(y))")).toBe("[doc](https://a.example/my%20file.pdf) [w](https://a.example/x_(y%29)");
  });

  it("keeps lists and quotes", () => {
    expect(toFeishuMarkdown("- one\n- two\n  1. deep")).toBe("- one\n- two\n  1. deep");
    expect(toFeishuMarkdown("> quoted")).toBe("> quoted");
  });

  it("mentions nobody when an answer quotes a card @mention tag, in text or in code", () => {
    const rendered = toFeishuMarkdown("ping <at id=all></at> and `<at id=all></at>`\n\n```\n<at user_id=\"ou_1\">x</at>\n```");
    expect(rendered).not.toMatch(/<\/?at\b/i);
    expect(rendered).toContain("<\u200bat user_id=");
  });
});
