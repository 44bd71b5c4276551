import type { Tokens } from "marked";
import { decodeEntities } from "../../core/html-entities.ts";
import type { Dialect } from "../../core/render/dialect.ts";
import { itemNumber, quotedLines, renderMarkdown, taskBox, type Walk } from "../../core/render/walk.ts";

/**
 * CommonMark → Discord's markdown (https://support.discord.com/hc/en-us/articles/210298617): **bold**, *italic*,
 * ~~strike~~, `code`, fenced blocks with a language, [masked links](url), `#`–`###` headings, `-` lists and `>`
 * quotes render as written. Discord has no tables (aligned text in a code block) and no inline images (a link).
 * Text is shown literally: Discord's marks `\ * _ ~ ` | are backslash-escaped in it.
 */

export const escapeText = (text: string): string => text.replace(/([\\*_~`|])/g, "\\$1");

const escapeLiteral = (text: string): string => text.replace(/[!-/:-@[-`{-~]/g, "\\$&");

/** A link target Discord reads to its end: `)` and spaces would cut it short. */
const linkTarget = (href: string) => href.replaceAll(")", "%29").replaceAll(" ", "%20");

/** A fence in the code itself would end the block early: use a longer fence. */
function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  return "`".repeat(longest + 1);
}

function codeSpan(raw: string): string {
  const code = decodeEntities(raw);
  return code.includes("`") ? `\`\` ${code} \`\`` : `\`${code}\``;
}

/** The item's first text follows its marker; every line of what comes after stays inside the item. */
function listItem(list: Tokens.List, item: Tokens.ListItem, index: number, walk: Walk, depth: number): string {
  const indent = "  ".repeat(depth);
  const marker = list.ordered ? `${itemNumber(list, index)}.` : "-";
  const children = item.tokens.filter((child) => child.type !== "checkbox");
  const written = walk.itemBlocks(item, depth + 1);
  const lines: string[] = [];
  let first = "";
  children.forEach((child, at) => {
    const parts = written[at]!;
    if (child.type === "list") lines.push(...parts);
    else if (child.type === "text" || child.type === "paragraph") {
      if (first === "" && lines.length === 0) first = parts[0] ?? "";
      else lines.push(...parts.map((text) => `${indent}  ${text}`));
    } else lines.push(...parts.flatMap((text) => text.split("\n")).map((line) => `${indent}  ${line}`));
  });
  const box = taskBox(item);
  return [`${indent}${marker} ${box ? `${box} ` : ""}${first}`, ...lines].join("\n");
}

function tableText(table: Tokens.Table): string {
  const rows = [table.header.map((cell) => decodeEntities(cell.text)), ...table.rows.map((row) => row.map((cell) => decodeEntities(cell.text)))];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ").trimEnd());
  lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("-+-"));
  const body = lines.join("\n");
  return `${fenceFor(body)}\n${body}\n${fenceFor(body)}`;
}

export const discordMarkdown: Dialect = {
  text: (text) => escapeText(decodeEntities(text)),
  literal: escapeLiteral,
  strong: (inner) => `**${inner}**`,
  em: (inner) => `*${inner}*`,
  del: (inner) => `~~${inner}~~`,
  codeSpan,
  lineBreak: "\n",
  link: (label, { href }) => (label && label !== escapeText(href) ? `[${label}](${linkTarget(href)})` : linkTarget(href)),
  image: ({ href, text }) => `[${escapeText(text || "image")}](${linkTarget(href)})`,
  inlineHtml: escapeText,
  paragraph: (inner) => inner,
  heading: (heading, walk) => `${"#".repeat(Math.min(heading.depth, 3))} ${walk.inline(heading.tokens)}`,
  code: ({ lang, text }) => `${fenceFor(text)}${lang?.trim().split(/\s+/)[0] ?? ""}\n${text}\n${fenceFor(text)}`,
  blockquote: quotedLines,
  list: (list, walk, depth) => list.items.map((item, index) => listItem(list, item, index, walk, depth)).join("\n"),
  table: tableText,
  rule: () => "———",
  htmlBlock: (html) => escapeText(html.trim()),
  document: (parts) => parts.join("\n\n").trim(),
};

export function toDiscordMarkdown(markdown: string): string {
  return renderMarkdown(markdown, discordMarkdown);
}
