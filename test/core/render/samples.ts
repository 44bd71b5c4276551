/** One set of Markdown samples every dialect is tested on (test/core/render/dialects.test.ts). */
export const samples = {
  headings: "# Title\n\n## Sub with `code`",
  nestedLists: "- one\n- two\n  1. first\n  2. second\n     - deep",
  codeWithBackticks: "Use `` `x` `` here:\n\n````md\n```js\nx < 1\n```\n````",
  table: "| name | size |\n|---|---|\n| **a** | 10 |\n| b | 2 |",
  linkWithSpaces: "[the docs](<https://e.org/a b>)",
  boldInLink: "[**bold** link](https://e.org/x)",
  mentions: "hi @alice and <at id=all></at>",
  tasks: "- [ ] todo\n- [x] done",
  quote: "> careful & <quiet>",
  image: "![chart](https://e.org/c.png)",
} as const;

export type SampleName = keyof typeof samples;
