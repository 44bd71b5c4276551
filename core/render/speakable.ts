import { decodeEntities } from "../html-entities.ts";
import type { Dialect } from "./dialect.ts";
import { renderMarkdown } from "./walk.ts";

/**
 * Markdown answers turned into text worth hearing: code is not read out, links are read by their
 * label, and the marks of Markdown (emphasis, headings, bullets, table pipes) are left out.
 */

export const codeOmitted = "(code omitted)";

/** Inline code longer than this is omitted too: a long command line is noise when spoken. */
const maxSpokenCodeChars = 40;

/** A bare URL is read as its host ("github.com"); an e-mail address as itself. */
function spokenUrl(href: string, label: string): string {
  try {
    const host = new URL(href).hostname.replace(/^www\./, "");
    return host || label;
  } catch {
    return label;
  }
}

/** Ends a heading, list item or table row with a full stop unless it has its own punctuation. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "" || /[.!?;:…。！？；：)]$/.test(trimmed)) return trimmed;
  return `${trimmed}.`;
}

export const speakable: Dialect = {
  text: decodeEntities,
  literal: (text) => text,
  strong: (inner) => inner,
  em: (inner) => inner,
  del: (inner) => inner,
  codeSpan: (code) => (code.length > maxSpokenCodeChars ? codeOmitted : decodeEntities(code)),
  lineBreak: " ",
  link: (label, link) => (link.autolink || link.text === link.href ? spokenUrl(link.href, link.text) : label),
  image: ({ text }) => text,
  inlineHtml: () => "",
  paragraph: asSentence,
  textBlock: (inner) => inner,
  heading: (heading, walk) => asSentence(walk.inline(heading.tokens)),
  code: () => codeOmitted,
  blockquote: (quote, walk) => walk.blocks(quote.tokens, 0),
  list: (list, walk) => list.items.map((item) => asSentence(walk.itemBlocks(item, 0).flat().join(" "))),
  table: (table, walk) =>
    [table.header, ...table.rows].map((cells) =>
      asSentence(
        cells
          .map((cell) => walk.inline(cell.tokens).trim())
          .filter(Boolean)
          .join(", "),
      ),
    ),
  rule: () => [],
  htmlBlock: (html) => decodeEntities(html.replace(/<[^>]*>/g, " ")),
  /** Whitespace collapses and a run of code blocks is announced once. */
  document: (parts) => {
    const kept: string[] = [];
    for (const part of parts) {
      if (part.trim() === "" || (part === codeOmitted && kept.at(-1) === codeOmitted)) continue;
      kept.push(part);
    }
    return kept.join(" ").replace(/\s+/g, " ").trim();
  },
};

/** Markdown → plain sentences (not yet cut to a length: see media/tts/speakable.ts). */
export function markdownToSpeakable(markdown: string): string {
  return renderMarkdown(markdown, speakable);
}
