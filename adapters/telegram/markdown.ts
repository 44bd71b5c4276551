import { marked, type Token, type Tokens } from "marked";

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

function inline(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map(inlineToken).join("");
}

function inlineToken(token: Token): string {
  const t = token as Tokens.Generic;
  switch (token.type) {
    case "text":
      return t.tokens ? inline(t.tokens) : escapeHtml(t.text as string);
    case "escape":
    case "html":
      return escapeHtml(t.text as string);
    case "strong":
      return `<b>${inline(t.tokens)}</b>`;
    case "em":
      return `<i>${inline(t.tokens)}</i>`;
    case "del":
      return `<s>${inline(t.tokens)}</s>`;
    case "codespan":
      return `<code>${escapeHtml(t.text as string)}</code>`;
    case "br":
      return "\n";
    case "link": {
      const href = t.href as string;
      const label = inline(t.tokens);
      return /^(https?|tg|mailto):/i.test(href) ? `<a href="${escapeAttribute(href)}">${label}</a>` : label;
    }
    case "image": {
      const href = t.href as string;
      const label = escapeHtml((t.text as string) || href);
      return /^https?:/i.test(href) ? `<a href="${escapeAttribute(href)}">${label}</a>` : label;
    }
    default:
      return escapeHtml(t.raw ?? "");
  }
}

function listBlock(list: Tokens.List, depth: number): string {
  const start = typeof list.start === "number" ? list.start : 1;
  const indent = "  ".repeat(depth);
  return list.items
    .map((item, index) => {
      const marker = item.task ? (item.checked ? "☑" : "☐") : list.ordered ? `${start + index}.` : "•";
      const parts = item.tokens.map((child) => (child.type === "list" ? listBlock(child as Tokens.List, depth + 1) : block(child, depth + 1)));
      const [first = "", ...rest] = parts.filter((part) => part !== "");
      return [`${indent}${marker} ${first.trimStart()}`, ...rest].join("\n");
    })
    .join("\n");
}

function tableBlock(table: Tokens.Table): string {
  const rows = [table.header.map((cell) => cell.text), ...table.rows.map((row) => row.map((cell) => cell.text))];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? "").length)));
  const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(" | ").trimEnd());
  lines.splice(1, 0, widths.map((width) => "-".repeat(width)).join("-+-"));
  return `<pre>${escapeHtml(lines.join("\n"))}</pre>`;
}

function block(token: Token, depth = 0): string {
  const t = token as Tokens.Generic;
  switch (token.type) {
    case "space":
    case "def":
      return "";
    case "paragraph":
      return inline(t.tokens);
    case "text":
      return t.tokens ? inline(t.tokens) : escapeHtml(t.text as string);
    case "heading":
      return `<b>${inline(t.tokens)}</b>`;
    case "code": {
      const language = (t.lang as string | undefined)?.trim().split(/\s+/)[0];
      const body = escapeHtml((t.text as string).replace(/\n$/, ""));
      return language && /^[\w+#.-]+$/.test(language) ? `<pre><code class="language-${language}">${body}</code></pre>` : `<pre>${body}</pre>`;
    }
    case "blockquote":
      return `<blockquote>${blocks(t.tokens ?? [])}</blockquote>`;
    case "list":
      return listBlock(token as Tokens.List, depth);
    case "table":
      return tableBlock(token as Tokens.Table);
    case "hr":
      return "———";
    case "html":
      return escapeHtml((t.text as string).trimEnd());
    default:
      return escapeHtml(t.raw ?? "");
  }
}

function blocks(tokens: readonly Token[]): string {
  return tokens.map((token) => block(token)).filter((html) => html !== "").join("\n\n");
}

export function markdownToTelegramHtml(markdown: string): string {
  return blocks(marked.lexer(markdown)).trim();
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
