import { describe, expect, it } from "vitest";
import { toDingtalkMarkdown } from "../../../adapters/dingtalk/markdown.ts";
import { toDiscordMarkdown } from "../../../adapters/discord/markdown.ts";
import { toFeishuMarkdown } from "../../../adapters/feishu/markdown.ts";
import { toMrkdwn } from "../../../adapters/slack/markdown.ts";
import { htmlToPlainText, markdownToTelegramHtml } from "../../../adapters/telegram/markdown.ts";
import { toWecomMarkdown } from "../../../adapters/wecom/markdown.ts";
import { markdownToPlainText } from "../../../core/render/plain-text.ts";
import { markdownToSpeakable } from "../../../core/render/speakable.ts";
import { checkTelegramHtml } from "../../fakes/telegram-bot-api.ts";
import { samples, type SampleName } from "./samples.ts";

const dialects = {
  telegram: markdownToTelegramHtml,
  slack: toMrkdwn,
  feishu: toFeishuMarkdown,
  discord: toDiscordMarkdown,
  wecom: toWecomMarkdown,
  dingtalk: toDingtalkMarkdown,
  plain: markdownToPlainText,
  speakable: markdownToSpeakable,
} as const;

/** What each dialect writes for each shared sample, spelled out (no snapshots). */
const expected: Record<keyof typeof dialects, Record<SampleName, string>> = {
  telegram: {
    headings: "<b>Title</b>\n\n<b>Sub with <code>code</code></b>",
    nestedLists: "• one\n• two\n  1. first\n  2. second\n    • deep",
    codeWithBackticks: 'Use <code>`x`</code> here:\n\n<pre><code class="language-md">```js\nx &lt; 1\n```</code></pre>',
    table: "<pre>name  | size\n------+-----\n**a** | 10\nb     | 2</pre>",
    linkWithSpaces: '<a href="https://e.org/a b">the docs</a>',
    boldInLink: '<a href="https://e.org/x"><b>bold</b> link</a>',
    mentions: "hi @alice and &lt;at id=all&gt;&lt;/at&gt;",
    tasks: "☐ todo\n☑ done",
    quote: "<blockquote>careful &amp; &lt;quiet&gt;</blockquote>",
    image: '<a href="https://e.org/c.png">chart</a>',
  },
  slack: {
    headings: "*Title*\n\n*Sub with `code`*",
    nestedLists: "• one\n• two\n    1. first\n    2. second\n        • deep",
    codeWithBackticks: "Use ``x`` here:\n\n```\n```js\nx &lt; 1\n```\n```",
    table: "*name | size*\n*a* | 10\nb | 2",
    linkWithSpaces: "<https://e.org/a b|the docs>",
    boldInLink: "<https://e.org/x|*bold* link>",
    mentions: "hi @alice and &lt;at id=all&gt;&lt;/at&gt;",
    tasks: "☐ todo\n☑ done",
    quote: "> careful &amp; &lt;quiet&gt;",
    image: "<https://e.org/c.png|chart>",
  },
  feishu: {
    headings: "**Title**\n\n**Sub with `code`**",
    nestedLists: "- one\n- two\n  1. first\n  2. second\n    - deep",
    codeWithBackticks: "Use `'x'` here:\n\n````md\n```js\nx < 1\n```\n````",
    table: "| name | size |\n| --- | --- |\n| **a** | 10 |\n| b | 2 |",
    linkWithSpaces: "[the docs](https://e.org/a%20b)",
    boldInLink: "[**bold** link](https://e.org/x)",
    mentions: "hi @alice and &lt;at id=all&gt;&lt;/at&gt;",
    tasks: "- ☐ todo\n- ☑ done",
    quote: "> careful &amp; &lt;quiet&gt;",
    image: "[chart](https://e.org/c.png)",
  },
  discord: {
    headings: "# Title\n\n## Sub with `code`",
    nestedLists: "- one\n- two\n  1. first\n  2. second\n    - deep",
    codeWithBackticks: "Use `` `x` `` here:\n\n````md\n```js\nx < 1\n```\n````",
    table: "```\nname  | size\n------+-----\n**a** | 10\nb     | 2\n```",
    linkWithSpaces: "[the docs](https://e.org/a%20b)",
    boldInLink: "[**bold** link](https://e.org/x)",
    mentions: "hi @alice and <at id=all></at>",
    tasks: "- ☐ todo\n- ☑ done",
    quote: "> careful & <quiet>",
    image: "[chart](https://e.org/c.png)",
  },
  wecom: {
    headings: "# Title\n\n## Sub with `code`",
    nestedLists: "- one\n- two\n  1. first\n  2. second\n     - deep",
    codeWithBackticks: "Use `` `x` `` here:\n\n````md\n```js\nx < 1\n```\n````",
    table: "| name | size |\n|---|---|\n| **a** | 10 |\n| b | 2 |",
    linkWithSpaces: "[the docs](<https://e.org/a b>)",
    boldInLink: "[**bold** link](https://e.org/x)",
    mentions: "hi @alice and ",
    tasks: "- ☐ todo\n- ☑ done",
    quote: "> careful & ",
    image: "[chart](https://e.org/c.png)",
  },
  dingtalk: {
    headings: "# Title\n\n## Sub with `code`",
    nestedLists: "- one\n- two\n  1. first\n  2. second\n     - deep",
    codeWithBackticks: "Use `` `x` `` here:\n\n````md\n```js\nx < 1\n```\n````",
    table: "| name | size |\n|---|---|\n| **a** | 10 |\n| b | 2 |",
    linkWithSpaces: "[the docs](https://e.org/a%20b)",
    boldInLink: "[**bold** link](https://e.org/x)",
    mentions: "hi @alice and ",
    tasks: "- ☐ todo\n- ☑ done",
    quote: "> careful & ",
    image: "![chart](https://e.org/c.png)",
  },
  plain: {
    headings: "Title\n\nSub with code",
    nestedLists: "• one\n• two\n  1. first\n  2. second\n    • deep",
    codeWithBackticks: "Use `x` here:\n\n```js\nx < 1\n```",
    table: "name | size\na | 10\nb | 2",
    linkWithSpaces: "the docs (https://e.org/a b)",
    boldInLink: "bold link (https://e.org/x)",
    mentions: "hi @alice and <at id=all></at>",
    tasks: "• ☐ todo\n• ☑ done",
    quote: "> careful & <quiet>",
    image: "chart (https://e.org/c.png)",
  },
  speakable: {
    headings: "Title. Sub with code.",
    nestedLists: "one. two first. second deep.",
    codeWithBackticks: "Use `x` here: (code omitted)",
    table: "name, size. a, 10. b, 2.",
    linkWithSpaces: "the docs.",
    boldInLink: "bold link.",
    mentions: "hi @alice and.",
    tasks: "todo. done.",
    quote: "careful &.",
    image: "chart.",
  },
};

describe("one walker, eight dialects, one set of samples", () => {
  for (const [dialect, render] of Object.entries(dialects)) {
    for (const [name, markdown] of Object.entries(samples)) {
      it(`${dialect}: ${name}`, () => {
        expect(render(markdown)).toBe(expected[dialect as keyof typeof dialects][name as SampleName]);
      });
    }
  }
});

describe("properties every sample keeps", () => {
  const all = Object.values(samples);

  it("Telegram HTML always parses (no stray < or &)", () => {
    for (const markdown of all) expect(checkTelegramHtml(markdownToTelegramHtml(markdown)), markdown).toBeUndefined();
  });

  it("a code block containing a fence stays one block where the dialect fences code", () => {
    const code = "```js\nx < 1\n```";
    expect(toFeishuMarkdown(samples.codeWithBackticks)).toContain(`\`\`\`\`md\n${code}\n\`\`\`\``);
    expect(htmlToPlainText(markdownToTelegramHtml(samples.codeWithBackticks))).toContain(code);
    expect(markdownToPlainText(samples.codeWithBackticks)).toContain(code);
  });

  it("plain and speakable text keep no Markdown marks outside code", () => {
    for (const markdown of all) {
      for (const text of [markdownToPlainText(markdown), markdownToSpeakable(markdown)]) {
        expect(text.replace(/```[\s\S]*```|`[^`]*`/g, ""), markdown).not.toMatch(/\*\*|^#|\]\(/m);
      }
    }
  });

  it("Discord shows text literally: its marks in plain text are escaped, code is not touched", () => {
    expect(toDiscordMarkdown("a snake_case name, 2 * 3 and a | pipe, `x_y*z`")).toBe("a snake\\_case name, 2 \\* 3 and a \\| pipe, `x_y*z`");
  });

  it("a Feishu card never carries a live <at> mention", () => {
    for (const markdown of all) expect(toFeishuMarkdown(markdown)).not.toMatch(/<at\b/i);
  });
});

describe("where the one walker changed what a platform saw", () => {
  it("Telegram shows a task item's box once, with its text on the same line (was '☐ [ ] ' and the text below)", () => {
    expect(markdownToTelegramHtml("- [ ] todo\n- [x] *done*")).toBe("☐ todo\n☑ <i>done</i>");
  });

  it("Slack no longer prints a link reference definition as text: the link carries its URL", () => {
    expect(toMrkdwn("[a][1]\n\n[1]: http://x")).toBe("<http://x|a>");
  });
});
