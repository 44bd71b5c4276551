import { Lexer, type Token, type Tokens } from "marked";

/**
 * CommonMark → the Markdown WeCom renders in bot messages. WeCom shows headings, bold, italics, links,
 * lists, quotes, inline code and code blocks; it has no images inside text, no strikethrough and no
 * HTML. So: an image becomes its link, struck text keeps its words, HTML keeps its text without tags,
 * a task list item shows a box. Code (inline and blocks) is left exactly as written.
 */
export function toWecomMarkdown(markdown: string): string {
  const tokens = new Lexer({ gfm: true }).lex(markdown);
  return tokens.map(renderBlock).join("");
}

function renderBlock(token: Token): string {
  switch (token.type) {
    case "code":
    case "space":
    case "hr":
      return token.raw;
    case "html":
      return stripTags(token.raw);
    case "list":
      return rewriteInline(token.raw, (token as Tokens.List).items.flatMap((item) => [...taskBoxes(item), ...collectInline(item.tokens)]));
    default:
      return rewriteInline(token.raw, collectInline([token]));
  }
}

interface Replacement {
  from: string;
  to: string;
}

/** Inline rewrites found under `tokens`, in document order; code spans are never entered. */
function collectInline(tokens: readonly Token[]): Replacement[] {
  const found: Replacement[] = [];
  const walk = (list: readonly Token[]) => {
    for (const token of list) {
      switch (token.type) {
        case "codespan":
        case "code":
          // Kept as written, but recorded so the cursor passes it: a rewrite must not match text inside code.
          found.push({ from: token.raw, to: token.raw });
          break;
        case "image": {
          const image = token as Tokens.Image;
          found.push({ from: image.raw, to: `[${image.text || image.href}](${image.href})` });
          break;
        }
        case "del":
          found.push({ from: token.raw, to: (token as Tokens.Del).text });
          break;
        case "html":
          found.push({ from: token.raw, to: stripTags(token.raw) });
          break;
        default: {
          const children = (token as { tokens?: Token[]; items?: Token[] }).tokens ?? (token as { items?: Token[] }).items;
          if (children) walk(children);
        }
      }
    }
  };
  walk(tokens);
  return found;
}

function taskBoxes(item: Tokens.ListItem): Replacement[] {
  if (!item.task) return [];
  const box = /\[[ xX]\]\s?/.exec(item.raw);
  return box ? [{ from: box[0], to: item.checked ? "☑ " : "☐ " }] : [];
}

/**
 * Applies the replacements to `raw` in order, each after the previous one, so equal snippets elsewhere stay.
 * Identity replacements (code) only move the cursor past the code they stand for.
 */
function rewriteInline(raw: string, replacements: readonly Replacement[]): string {
  let out = "";
  let cursor = 0;
  for (const replacement of replacements) {
    const at = raw.indexOf(replacement.from, cursor);
    if (at < 0) continue;
    out += raw.slice(cursor, at) + replacement.to;
    cursor = at + replacement.from.length;
  }
  return out + raw.slice(cursor);
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
