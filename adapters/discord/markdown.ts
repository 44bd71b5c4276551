import type { Tokens } from "marked";
import { decodeEntities } from "../../core/html-entities.ts";
import type { Dialect } from "../../core/render/dialect.ts";
import { fenceFor, linkTarget, markdownList } from "../../core/render/markdown-output.ts";
import { quotedLines, renderMarkdown } from "../../core/render/walk.ts";

/**
 * CommonMark → Discord's markdown (https://support.discord.com/hc/en-us/articles/210298617): **bold**, *italic*,
 * ~~strike~~, `code`, fenced blocks with a language, [masked links](url), `#`–`###` headings, `-` lists and `>`
 * quotes render as written. Discord has no tables (aligned text in a code block) and no inline images (a link).
 * Text is shown literally: Discord's marks `\ * _ ~ ` | are backslash-escaped in it.
 */

export const escapeText = (text: string): string => text.replace(/([\\*_~`|])/g, "\\$1");

const escapeLiteral = (text: string): string => text.replace(/[!-/:-@[-`{-~]/g, "\\$&");

function codeSpan(raw: string): string {
  const code = decodeEntities(raw);
  return code.includes("`") ? `\`\` ${code} \`\`` : `\`${code}\``;
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
  list: markdownList,
  table: tableText,
  rule: () => "———",
  htmlBlock: (html) => escapeText(html.trim()),
  document: (parts) => parts.join("\n\n").trim(),
};

export function toDiscordMarkdown(markdown: string): string {
  return renderMarkdown(markdown, discordMarkdown);
}
