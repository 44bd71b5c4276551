import type { SourceDialect } from "../../core/render/dialect.ts";
import { markdownToPlainText } from "../../core/render/plain-text.ts";
import { rewriteMarkdown } from "../../core/render/walk.ts";

/**
 * CommonMark → the Markdown DingTalk renders in robot `sampleMarkdown` / session-webhook `markdown`
 * messages and AI cards. DingTalk documents headings, bold, italics, links, images by URL, ordered
 * and unordered lists and quotes; it has no strikethrough and no HTML. So the source is kept as
 * written and: struck text keeps its words, HTML keeps its text without tags, a task list item shows
 * a box; a link target in angle brackets (to hold a space) is written with %20; images stay images (DingTalk
 * shows them inline). Code is left exactly as written.
 */
export const dingtalkMarkdown: SourceDialect = {
  image: (image) => image.raw,
  del: (del) => del.text,
  html: (html) => html.replace(/<br\s*\/?>/gi, "\n").replace(/<[^>]*>/g, ""),
  taskBox: (isChecked) => (isChecked ? "☑ " : "☐ "),
  // DingTalk's subset has `[label](url)` only: a target in angle brackets (`<https://e.org/a b>`, CommonMark's way
  // to write a space) is written plainly with the space as %20; any other link stays as written.
  link: (link) =>
    /^\[[\s\S]*\]\(\s*</.test(link.raw) || /\s/.test(link.href)
      ? `[${link.text}](${link.href.replace(/ /g, "%20").replace(/\(/g, "%28").replace(/\)/g, "%29")}${link.title ? ` "${link.title.replace(/"/g, "'")}"` : ""})`
      : undefined,
};

export function toDingtalkMarkdown(markdown: string): string {
  return rewriteMarkdown(markdown, dingtalkMarkdown);
}

/** A markdown message's `title` (what the chat list and the notification show): its first words, plain. */
export function titleOf(markdown: string): string {
  const first = markdownToPlainText(markdown).split("\n").find((line) => line.trim() !== "")?.trim() ?? "";
  const chars = [...first];
  return chars.length === 0 ? "Pincer" : chars.length > 30 ? `${chars.slice(0, 29).join("")}…` : first;
}
