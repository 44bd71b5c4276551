import { describe, expect, it } from "vitest";
import { htmlToPlainText, markdownToTelegramHtml } from "../../../adapters/telegram/markdown.ts";
import { checkTelegramHtml } from "../../fakes/telegram-bot-api.ts";

describe("Markdown to Telegram HTML", () => {
  it("escapes &, < and > in text and code", () => {
    expect(markdownToTelegramHtml("a < b && c > d")).toBe("a &lt; b &amp;&amp; c &gt; d");
    expect(markdownToTelegramHtml("use `<div>` & go")).toBe("use <code>&lt;div&gt;</code> &amp; go");
    expect(markdownToTelegramHtml("<script>x</script>")).toBe("&lt;script&gt;x&lt;/script&gt;");
  });

  it("renders bold, italic, strike, links and code blocks with their language", () => {
    expect(markdownToTelegramHtml("**b** *i* ~~s~~ [site](https://e.org/?a=1&b=\"2\")")).toBe(
      '<b>b</b> <i>i</i> <s>s</s> <a href="https://e.org/?a=1&amp;b=&quot;2&quot;">site</a>',
    );
    expect(markdownToTelegramHtml("```ts\nconst a = 1 < 2;\n```")).toBe('<pre><code class="language-ts">const a = 1 &lt; 2;</code></pre>');
    expect(markdownToTelegramHtml("```\nplain\n```")).toBe("<pre>plain</pre>");
  });

  it("turns headings into bold lines and lists into bullets", () => {
    expect(markdownToTelegramHtml("# Title\n\n- one\n- two\n  1. sub")).toBe("<b>Title</b>\n\n• one\n• two\n  1. sub");
    expect(markdownToTelegramHtml("3. c\n4. d")).toBe("3. c\n4. d");
  });

  it("always produces HTML Telegram can parse", () => {
    const samples = ["**bold *nested* text**", "> quote with `code`\n\n| a | b |\n|---|---|\n| 1 | 2 |", "![img](https://e.org/p.png) <b>raw", "a\\*b\\_c &amp; d"];
    for (const sample of samples) expect(checkTelegramHtml(markdownToTelegramHtml(sample))).toBeUndefined();
  });

  it("gives the plain text back for the fallback", () => {
    expect(htmlToPlainText(markdownToTelegramHtml("**x** < `y&z`"))).toBe("x < y&z");
  });
});
