import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import { decodeEntities } from "../../core/html-entities.ts";

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

function inline(tokens: Token[] | undefined): string {
  return (tokens ?? []).map(inlineToken).join("");
}

function inlineToken(any: Token): string {
  const token = any as MarkedToken;
  switch (token.type) {
    case "text":
      return token.tokens ? inline(token.tokens) : decodeEntities(token.text);
    case "escape":
      return token.text;
    case "codespan":
      return token.text.length > maxSpokenCodeChars ? codeOmitted : decodeEntities(token.text);
    case "link":
      return token.autolink || token.text === token.href ? spokenUrl(token.href, token.text) : inline(token.tokens);
    case "image":
      return token.text;
    case "br":
      return " ";
    case "html":
    case "checkbox":
      return "";
    default: {
      // An extension's token: read by its children or its text.
      const generic = any as Tokens.Generic;
      if (generic.tokens) return inline(generic.tokens);
      return typeof generic.text === "string" ? decodeEntities(generic.text) : "";
    }
  }
}

/** Ends a heading, list item or table row with a full stop unless it has its own punctuation. */
function asSentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === "" || /[.!?;:…。！？；：)]$/.test(trimmed)) return trimmed;
  return `${trimmed}.`;
}

function blocks(tokens: Token[]): string[] {
  return tokens.flatMap(block);
}

function block(any: Token): string[] {
  const token = any as MarkedToken;
  switch (token.type) {
    case "space":
    case "hr":
    case "def":
      return [];
    case "code":
      return [codeOmitted];
    case "heading":
    case "paragraph":
      return [asSentence(inline(token.tokens))];
    case "text":
      return [token.tokens ? inline(token.tokens) : decodeEntities(token.text)];
    case "blockquote":
      return blocks(token.tokens);
    case "list":
      return token.items.map((item) => asSentence(blocks(item.tokens).join(" ")));
    case "table":
      return [token.header, ...token.rows].map((cells) =>
        asSentence(
          cells
            .map((cell) => inline(cell.tokens).trim())
            .filter(Boolean)
            .join(", "),
        ),
      );
    case "html":
      return [decodeEntities(token.text.replace(/<[^>]*>/g, " "))];
    default:
      return blocks((any as Tokens.Generic).tokens ?? []);
  }
}

/** Where a sentence ends: after . ! ? … followed by a space (closing quotes allowed), or after 。！？. */
const sentenceEnd = /[.!?…]["'”’)\]]*(?=\s)|[。！？]["'”’」』)]*|\(code omitted\)(?=\s)/g;

/**
 * The text cut to at most `maxChars`, at the last sentence that fits (when that keeps at least half),
 * else at the last space, and marked with "…".
 */
function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const room = Math.max(1, maxChars - 2);
  let sentenceCut = 0;
  for (const match of text.matchAll(sentenceEnd)) {
    const end = match.index + match[0].length;
    if (end > room) break;
    sentenceCut = end;
  }
  if (sentenceCut >= room / 2) return `${text.slice(0, sentenceCut)} …`;
  const space = text.lastIndexOf(" ", maxChars - 1);
  if (space > 0) return `${text.slice(0, space).trimEnd()}…`;
  return `${text.slice(0, Math.max(0, maxChars - 1))}…`;
}

/**
 * Markdown → plain sentences for a voice reply: code blocks become "(code omitted)", links keep
 * their label (a bare URL its host), emphasis, headings, list markers and table pipes go,
 * whitespace collapses; then the text is cut at a sentence boundary under `maxChars` with "…",
 * since a voice reply should be short. "" when nothing is left to say.
 */
export function speakableText(markdown: string, maxChars = 1500): string {
  const parts: string[] = [];
  for (const part of blocks(Lexer.lex(markdown))) {
    if (part.trim() === "" || (part === codeOmitted && parts.at(-1) === codeOmitted)) continue;
    parts.push(part);
  }
  return cut(parts.join(" ").replace(/\s+/g, " ").trim(), maxChars);
}
