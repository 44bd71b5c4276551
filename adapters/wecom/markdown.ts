import type { SourceDialect } from "../../core/render/dialect.ts";
import { rewriteMarkdown } from "../../core/render/walk.ts";

/**
 * CommonMark → the Markdown WeCom renders in bot messages. WeCom shows headings, bold, italics, links,
 * lists, quotes, inline code and code blocks; it has no images inside text, no strikethrough and no
 * HTML. So the source is kept as written and: an image becomes its link, struck text keeps its words,
 * HTML keeps its text without tags, a task list item shows a box. Code (inline and blocks) is left
 * exactly as written.
 */
export const wecomMarkdown: SourceDialect = {
  image: (image) => `[${image.text || image.href}](${image.href})`,
  del: (del) => del.text,
  html: stripTags,
  taskBox: (isChecked) => (isChecked ? "☑ " : "☐ "),
};

export function toWecomMarkdown(markdown: string): string {
  return rewriteMarkdown(markdown, wecomMarkdown);
}

function stripTags(html: string): string {
  return html.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, "");
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes - 3;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return `${bytes.subarray(0, end).toString("utf8")}…`;
}
