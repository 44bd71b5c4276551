import type { Tokens } from "marked";
import type { Dialect } from "../../core/render/dialect.ts";
import { itemNumber, quotedLines, renderMarkdown, taskBox } from "../../core/render/walk.ts";
import { escapeSlack } from "./text.ts";

/**
 * CommonMark → Slack mrkdwn: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ``` blocks, `<url|label>`,
 * bullets for lists, bold lines for headings. `&`, `<` and `>` in text are escaped (Slack's only escapes);
 * what mrkdwn cannot show (tables, images) keeps its text. Inside bold (a heading, a table header) a
 * nested `*` would end it, so inner bold adds none.
 */
export function toMrkdwn(markdown: string): string {
  return renderMarkdown(markdown, slackMrkdwn);
}

// `|` and `>` end Slack's link syntax; keep them readable.
const linkLabel = (label: string) => label.replaceAll("|", "¦");

/** A URL inside `<url|label>`: a `|` in it would end the URL early, so it is percent-encoded. */
const linkUrl = (href: string) => escapeSlack(href).replaceAll("|", "%7C");

export const slackMrkdwn: Dialect = {
  text: escapeSlack,
  literal: escapeSlack,
  strong: (inner, { isInsideBold }) => (isInsideBold ? inner : `*${inner}*`),
  em: (inner) => `_${inner}_`,
  del: (inner) => `~${inner}~`,
  codeSpan: (code) => `\`${escapeSlack(code)}\``,
  lineBreak: "\n",
  link: (label, { href }) => {
    const url = linkUrl(href);
    return label && label !== url ? `<${url}|${linkLabel(label)}>` : `<${url}>`;
  },
  image: ({ href, text }) => `<${linkUrl(href)}|${linkLabel(escapeSlack(text || href))}>`,
  inlineHtml: escapeSlack,
  paragraph: (inner) => inner,
  heading: (heading, walk) => `*${walk.inline(heading.tokens, { isInsideBold: true })}*`,
  code: ({ text }) => `\`\`\`\n${escapeSlack(text)}\n\`\`\``,
  blockquote: quotedLines,
  list: (list, walk, depth) => list.items.map((item, index) => listItem(list, item, index, walk.itemBlocks(item, depth + 1), depth)).join("\n"),
  table: (table, walk) => {
    const row = (cells: readonly Tokens.TableCell[], isInsideBold = false) => cells.map((cell) => walk.inline(cell.tokens, { isInsideBold })).join(" | ");
    return [`*${row(table.header, true)}*`, ...table.rows.map((cells) => row(cells))].join("\n");
  },
  rule: () => "──────────",
  htmlBlock: escapeSlack,
  document: (parts) => parts.join("\n\n").trim(),
};

/** Nested lists follow the item's own text, indented four spaces a level, bullets alternating • and ◦. */
function listItem(list: Tokens.List, item: Tokens.ListItem, index: number, children: readonly string[][], depth: number): string {
  const indent = "    ".repeat(depth);
  const marker = list.ordered ? `${itemNumber(list, index)}.` : taskBox(item) || (depth % 2 === 0 ? "•" : "◦");
  const parts: string[] = [];
  const nested: string[] = [];
  item.tokens
    .filter((child) => child.type !== "checkbox")
    .forEach((child, at) => (child.type === "list" ? nested : parts).push(...children[at]!));
  const body = parts.join("\n").replaceAll("\n", `\n${indent}  `);
  return [`${indent}${marker} ${body}`, ...nested].join("\n");
}
