import { describe, expect, it } from "vitest";
import { toMrkdwn } from "../../../adapters/slack/markdown.ts";

describe("Markdown as Slack mrkdwn", () => {
  it("renders bold, italics, strike and inline code in Slack's syntax", () => {
    expect(toMrkdwn("**bold** and *it* and _it2_ and ~~gone~~ and `x = 1`")).toBe("*bold* and _it_ and _it2_ and ~gone~ and `x = 1`");
  });

  it("escapes &, < and > in text, code and code blocks, and nothing else", () => {
    expect(toMrkdwn("a < b && c > d, `<tag>`")).toBe("a &lt; b &amp;&amp; c &gt; d, `&lt;tag&gt;`");
    expect(toMrkdwn("```ts\nif (a < b && c) {}\n```")).toBe("```\nif (a &lt; b &amp;&amp; c) {}\n```");
    expect(toMrkdwn("<@U123> <!channel>")).toBe("&lt;@U123&gt; &lt;!channel&gt;");
  });

  it("turns links into <url|label> and bare URLs into <url>", () => {
    expect(toMrkdwn("see [the docs](https://example.com/a?b=1&c=2) or https://x.org")).toBe(
      "see <https://example.com/a?b=1&amp;c=2|the docs> or <https://x.org>",
    );
    expect(toMrkdwn("[a|b](https://e.com)")).toBe("<https://e.com|a¦b>");
    // Slack ends the URL at the first `|`: one inside the URL is percent-encoded.
    expect(toMrkdwn("[chart](https://e.com/q?cols=a|b)")).toBe("<https://e.com/q?cols=a%7Cb|chart>");
  });

  it("renders headings as bold lines and lists as bullets, nested ones indented", () => {
    expect(toMrkdwn("# Plan\n\n- one\n- two\n  1. sub\n  2. sub2\n\n3. three\n4. four")).toBe(
      "*Plan*\n\n• one\n• two\n    1. sub\n    2. sub2\n\n3. three\n4. four",
    );
  });

  it("does not nest bold in a heading or table header (a second * would end the bold)", () => {
    expect(toMrkdwn("## **Summary** of *this* & that")).toBe("*Summary of _this_ &amp; that*");
    expect(toMrkdwn("| **a** | b |\n|---|---|\n| **1** | 2 |")).toBe("*a | b*\n*1* | 2");
  });

  it("keeps quotes, rules and tables readable", () => {
    expect(toMrkdwn("> quoted **text**")).toBe("> quoted *text*");
    expect(toMrkdwn("a\n\n---\n\nb")).toBe("a\n\n──────────\n\nb");
    expect(toMrkdwn("| a | b |\n|---|---|\n| 1 | 2 |")).toBe("*a | b*\n1 | 2");
  });

  it("closes an unfinished code block of a streaming answer", () => {
    expect(toMrkdwn("Here:\n```\nconst a = 1;")).toBe("Here:\n\n```\nconst a = 1;\n```");
  });
});
