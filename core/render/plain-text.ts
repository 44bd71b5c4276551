import type { Tokens } from "marked";
import { decodeEntities } from "../html-entities.ts";
import type { Dialect } from "./dialect.ts";
import { itemNumber, renderMarkdown, taskBox } from "./walk.ts";

/**
 * Replies for platforms that show plain text only (WeChat, ClawBot).
 *
 * CommonMark → plain text: no `**`, backticks or `#` may be left. Emphasis keeps its words, links
 * read "label (url)", list items start with "• " (or their number), code blocks keep their lines
 * as they are, quotes start with "> ".
 */
export function markdownToPlainText(markdown: string): string {
  return renderMarkdown(markdown, plainText);
}

const indentOf = (depth: number) => "  ".repeat(depth);

function prefixLines(text: string, prefix: string): string {
  if (!prefix) return text;
  return text
    .split("\n")
    .map((line) => (line ? `${prefix}${line}` : prefix.trimEnd()))
    .join("\n");
}

/**
 * HTML elements whose tags are markup, not words. Anything else that merely looks like a tag is
 * text the author meant to show: `Vec<String>`, `Option<T>`, `<name>` placeholders.
 */
const htmlElements = new Set(
  ("a abbr address article aside audio b bdi bdo big blockquote body br button caption center cite code col colgroup dd del details dfn div dl dt em " +
    "figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label li main mark nav ol p picture pre q " +
    "s samp script section small source span strike strong style sub summary sup svg table tbody td tfoot th thead tr tt u ul var video wbr").split(" "),
);

const tagPattern = /<!--[\s\S]*?-->|<\/?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?\/?>/g;

function stripTags(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(tagPattern, (tag: string, name: string | undefined) => (name === undefined || htmlElements.has(name.toLowerCase()) ? "" : tag));
  return decodeEntities(text);
}

export const plainText: Dialect = {
  text: decodeEntities,
  literal: (text) => text,
  strong: (inner) => inner,
  em: (inner) => inner,
  del: (inner) => inner,
  // Entities in a code span are literal (CommonMark): "`&lt;`" shows "&lt;".
  codeSpan: (code) => code,
  lineBreak: "\n",
  link: (label, { href }) => {
    const trimmed = label.trim();
    return !trimmed || trimmed === href || `mailto:${trimmed}` === href ? href : `${trimmed} (${href})`;
  },
  image: ({ href, text }) => (text ? `${text} (${href})` : href),
  inlineHtml: stripTags,
  paragraph: (inner, depth) => prefixLines(inner, indentOf(depth)),
  heading: (heading, walk, depth) => prefixLines(walk.inline(heading.tokens), indentOf(depth)),
  code: ({ text }, depth) => prefixLines(text, indentOf(depth)),
  blockquote: (quote, walk, depth) => prefixLines(walk.blocks(quote.tokens, 0).join("\n\n"), `${indentOf(depth)}> `),
  list: (list, walk, depth) => {
    const indent = indentOf(depth);
    return list.items
      .map((item, index) => {
        const marker = list.ordered ? `${itemNumber(list, index)}. ` : "• ";
        const box = taskBox(item);
        const body = walk.itemBlocks(item, depth + 1).flat().join("\n\n").replace(/\n\n/g, "\n");
        return `${indent}${marker}${box ? `${box} ` : ""}${body.slice(indent.length + 2)}`;
      })
      .join(list.loose ? "\n\n" : "\n");
  },
  table: (table: Tokens.Table, walk, depth) => {
    const row = (cells: Tokens.TableCell[]) => `${indentOf(depth)}${cells.map((cell) => walk.inline(cell.tokens).trim()).join(" | ")}`;
    return [row(table.header), ...table.rows.map(row)].join("\n");
  },
  rule: (depth) => `${indentOf(depth)}————`,
  htmlBlock: (html, depth) => prefixLines(stripTags(html).trim(), indentOf(depth)),
  document: (parts) =>
    parts
      .join("\n\n")
      .replace(/\n{3,}/g, "\n\n")
      .trim(),
};
