import { Lexer, type Token, type Tokens } from "marked";
import { buttonCommand, type Button } from "./types/reply.ts";
import { decodeEntities } from "./html-entities.ts";

/**
 * Replies for platforms that show plain text only (WeChat, ClawBot).
 *
 * CommonMark → plain text: no `**`, backticks or `#` may be left. Emphasis keeps its words, links
 * read "label (url)", list items start with "• " (or their number), code blocks keep their lines
 * as they are, quotes start with "> ".
 */
export function markdownToPlainText(markdown: string): string {
  return blocks(Lexer.lex(markdown), "")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

function blocks(tokens: readonly Token[], indent: string): string {
  const out: string[] = [];
  for (const token of tokens) {
    const text = block(token, indent);
    if (text !== undefined) out.push(text);
  }
  return out.join("\n\n");
}

function block(token: Token, indent: string): string | undefined {
  switch (token.type) {
    case "space":
      return undefined;
    case "heading":
    case "paragraph":
      return prefixLines(inline((token as Tokens.Heading | Tokens.Paragraph).tokens), indent);
    case "text": {
      const text = token as Tokens.Text;
      return prefixLines(text.tokens ? inline(text.tokens) : text.text, indent);
    }
    case "code":
      return prefixLines((token as Tokens.Code).text, indent);
    case "blockquote":
      return prefixLines(blocks((token as Tokens.Blockquote).tokens, ""), `${indent}> `);
    case "list":
      return list(token as Tokens.List, indent);
    case "table":
      return table(token as Tokens.Table, indent);
    case "hr":
      return `${indent}————`;
    case "html":
      return prefixLines(stripTags((token as Tokens.HTML).text).trim(), indent) || undefined;
    case "def":
      return undefined;
    default:
      return "raw" in token && typeof token.raw === "string" ? prefixLines(token.raw.trim(), indent) : undefined;
  }
}

function list(token: Tokens.List, indent: string): string {
  const start = typeof token.start === "number" ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}. ` : "• ";
      const checkbox = item.task ? (item.checked ? "☑ " : "☐ ") : "";
      const body = blocks(item.tokens.filter((child) => child.type !== "checkbox"), `${indent}  `).replace(/\n\n/g, "\n");
      return `${indent}${marker}${checkbox}${body.slice(indent.length + 2)}`;
    })
    .join(token.loose ? "\n\n" : "\n");
}

function table(token: Tokens.Table, indent: string): string {
  const row = (cells: Tokens.TableCell[]) => `${indent}${cells.map((cell) => inline(cell.tokens).trim()).join(" | ")}`;
  return [row(token.header), ...token.rows.map(row)].join("\n");
}

function inline(tokens: readonly Token[]): string {
  return tokens.map(inlineToken).join("");
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case "text":
    case "strong":
    case "em":
    case "del": {
      const text = token as Tokens.Text | Tokens.Strong | Tokens.Em | Tokens.Del;
      return "tokens" in text && text.tokens ? inline(text.tokens) : decodeEntities(text.text);
    }
    case "codespan":
      // Entities in a code span are literal (CommonMark): "`&lt;`" shows "&lt;".
      return (token as Tokens.Codespan).text;
    case "escape":
      return (token as Tokens.Escape).text;
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens).trim();
      return !label || label === link.href || `mailto:${label}` === link.href ? link.href : `${label} (${link.href})`;
    }
    case "image": {
      const image = token as Tokens.Image;
      return image.text ? `${image.text} (${image.href})` : image.href;
    }
    case "html":
      return stripTags((token as Tokens.Tag).text);
    default:
      return "raw" in token && typeof token.raw === "string" ? token.raw : "";
  }
}

function prefixLines(text: string, prefix: string): string {
  if (!prefix) return text;
  return text
    .split("\n")
    .map((line) => (line ? `${prefix}${line}` : prefix.trimEnd()))
    .join("\n");
}

/**
 * HTML elements whose tags are markup, not words. Anything else that merely looks like a tag is
 * text the author meant to show: `Vec<String>`, `Option<T>`, `<name>` placeholders.
 */
const htmlElements = new Set(
  ("a abbr address article aside audio b bdi bdo big blockquote body br button caption center cite code col colgroup dd del details dfn div dl dt em " +
    "figcaption figure font footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label li main mark nav ol p picture pre q " +
    "s samp script section small source span strike strong style sub summary sup svg table tbody td tfoot th thead tr tt u ul var video wbr").split(" "),
);

const tagPattern = /<!--[\s\S]*?-->|<\/?([A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?\/?>/g;

function stripTags(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(tagPattern, (tag: string, name: string | undefined) => (name === undefined || htmlElements.has(name.toLowerCase()) ? "" : tag));
  return decodeEntities(text);
}

/**
 * Buttons on a platform without buttons: their text plus "Reply /approve 3f2a or /deny 3f2a." (the
 * button ids are the commands), without the instruction when the text already names each command.
 */
export function buttonsAsPlainText(markdown: string, buttons: readonly Button[]): string {
  const body = markdownToPlainText(markdown);
  const commands = buttons.map((button) => buttonCommand(button.id));
  const missing = commands.filter((command) => !new RegExp(`${escapeRegExp(command)}(?![\\p{L}\\p{N}])`, "u").test(body));
  if (missing.length === 0) return body;
  const listed = commands.length === 1 ? commands[0]! : `${commands.slice(0, -1).join(", ")} or ${commands.at(-1)!}`;
  return `${body}\n\nReply ${listed}.`.trim();
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
