import type { Tokens } from "marked";
import type { Dialect } from "../../core/render/dialect.ts";
import { itemNumber, renderMarkdown, taskBox } from "../../core/render/walk.ts";

/**
 * CommonMark → Telegram's HTML parse mode (https://core.telegram.org/bots/api#html-style).
 * Telegram knows b, i, s, u, code, pre (with a language), a, blockquote; everything else keeps its
 * text: headings become bold lines, lists become bullet lines, tables become preformatted text,
 * raw HTML is shown as typed. Only `&`, `<` and `>` need escaping (and `"` inside href).
 */

export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

const escapeAttribute = (text: string) => escapeHtml(text).replaceAll('"', "&quot;");

function tableText(table: Tokens.Table): string {
  const rows = [table.header.map((cell) => cell.text), ...table.rows.map((row) => row.map((cell) => cell.text))];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ").trimEnd());
  lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("-+-"));
  return `<pre>${escapeHtml(lines.join("\n"))}</pre>`;
}

export const telegramHtml: Dialect = {
  text: escapeHtml,
  literal: escapeHtml,
  strong: (inner) => `<b>${inner}</b>`,
  em: (inner) => `<i>${inner}</i>`,
  del: (inner) => `<s>${inner}</s>`,
  codeSpan: (code) => `<code>${escapeHtml(code)}</code>`,
  lineBreak: "\n",
  link: (label, { href }) => (/^(https?|tg|mailto):/i.test(href) ? `<a href="${escapeAttribute(href)}">${label}</a>` : label),
  image: ({ href, text }) => {
    const label = escapeHtml(text || href);
    return /^https?:/i.test(href) ? `<a href="${escapeAttribute(href)}">${label}</a>` : label;
  },
  inlineHtml: escapeHtml,
  paragraph: (inner) => inner,
  heading: (heading, walk) => `<b>${walk.inline(heading.tokens)}</b>`,
  code: ({ lang, text }) => {
    const language = lang?.trim().split(/\s+/)[0];
    const body = escapeHtml(text.replace(/\n$/, ""));
    return language && /^[\w+#.-]+$/.test(language) ? `<pre><code class="language-${language}">${body}</code></pre>` : `<pre>${body}</pre>`;
  },
  blockquote: (quote, walk) => `<blockquote>${walk.blocks(quote.tokens, 0).join("\n\n")}</blockquote>`,
  list: (list, walk, depth) => {
    const indent = "  ".repeat(depth);
    return list.items
      .map((item, index) => {
        const marker = taskBox(item) || (list.ordered ? `${itemNumber(list, index)}.` : "•");
        const [first = "", ...rest] = walk.itemBlocks(item, depth + 1).flat();
        return [`${indent}${marker} ${first.trimStart()}`, ...rest].join("\n");
      })
      .join("\n");
  },
  table: tableText,
  rule: () => "———",
  htmlBlock: (html) => escapeHtml(html.trimEnd()),
  document: (parts) => parts.join("\n\n").trim(),
};

export function markdownToTelegramHtml(markdown: string): string {
  return renderMarkdown(markdown, telegramHtml);
}

/** What a reader sees of Telegram HTML: the text without tags, entities decoded (also the plain-text fallback). */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<[^>]+>/g, "")
    .replaceAll("&lt;", "<")
    .replaceAll("&gt;", ">")
    .replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&");
}
