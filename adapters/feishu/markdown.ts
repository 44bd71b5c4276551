import type { Tokens } from "marked";
import { decodeEntities } from "../../core/html-entities.ts";
import type { Dialect } from "../../core/render/dialect.ts";
import { fenceFor, linkTarget, markdownList } from "../../core/render/markdown-output.ts";
import { quotedLines, renderMarkdown } from "../../core/render/walk.ts";

/**
 * CommonMark → the Markdown of a Feishu card's `markdown` element (card JSON 2.0). It renders
 * **bold**, *italic*, ~~strike~~, `code`, fenced code blocks, [links](url), lists and quotes; it has
 * no images by URL (an image needs an uploaded image_key) and treats `<…>` as its own tags
 * (`<at>`, `<font>`), so text is entity-escaped and headings become bold lines.
 */

/** Plain text for the card: `&`, `<`, `>` as entities, and Markdown marks kept literal with a backslash. */
export function escapeText(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replace(/([\\*_~`[\]])/g, "\\$1");
}

/**
 * Code is sent as written, and a card may read tags even there: an `<at …>` (an @mention, `id=all`
 * pings everyone) is broken with a zero-width space, so an answer that quotes one mentions nobody.
 */
const defuseMentions = (text: string) => text.replace(/<(\/?at)\b/gi, "<\u200b$1");

export const feishuCardMarkdown: Dialect = {
  text: (text) => escapeText(decodeEntities(text)),
  literal: escapeText,
  strong: (inner) => `**${inner}**`,
  em: (inner) => `*${inner}*`,
  del: (inner) => `~~${inner}~~`,
  codeSpan: (code) => `\`${decodeEntities(code).replaceAll("`", "'")}\``,
  lineBreak: "\n",
  link: (label, { href }) => `[${label || escapeText(href)}](${linkTarget(href)})`,
  // No image by URL in a card: the picture becomes a link to it.
  image: ({ href, text }) => `[${escapeText(text || "image")}](${linkTarget(href)})`,
  inlineHtml: escapeText,
  paragraph: (inner) => inner,
  heading: (heading, walk) => `**${walk.inline(heading.tokens)}**`,
  code: ({ lang, text }) => `${fenceFor(text)}${lang ?? ""}\n${text}\n${fenceFor(text)}`,
  blockquote: quotedLines,
  list: markdownList,
  table: (table, walk) => {
    const row = (cells: Tokens.TableCell[]) => `| ${cells.map((cell) => walk.inline(cell.tokens)).join(" | ")} |`;
    return [row(table.header), `|${table.header.map(() => " --- ").join("|")}|`, ...table.rows.map(row)].join("\n");
  },
  rule: () => "———",
  htmlBlock: (html) => escapeText(html.trim()),
  document: (parts) => defuseMentions(parts.join("\n\n").trim()),
};

export function toFeishuMarkdown(markdown: string): string {
  return renderMarkdown(markdown, feishuCardMarkdown);
}
