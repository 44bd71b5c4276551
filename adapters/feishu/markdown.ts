import { Lexer, type MarkedToken, type Token, type Tokens } from "marked";
import { decodeEntities } from "../../core/html-entities.ts";

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

/** A link target the card reads to its end: `)` and spaces would cut it short. */
const linkTarget = (href: string) => href.replaceAll(")", "%29").replaceAll(" ", "%20");

function inline(tokens: Token[] | undefined): string {
  return (tokens ?? []).map(inlineToken).join("");
}

function inlineToken(any: Token): string {
  const token = any as MarkedToken;
  switch (token.type) {
    case "text":
      return token.tokens ? inline(token.tokens) : escapeText(decodeEntities(token.text));
    case "escape":
      return escapeText(token.text);
    case "strong":
      return `**${inline(token.tokens)}**`;
    case "em":
      return `*${inline(token.tokens)}*`;
    case "del":
      return `~~${inline(token.tokens)}~~`;
    case "codespan":
      return `\`${decodeEntities(token.text).replaceAll("`", "'")}\``;
    case "link":
      return `[${inline(token.tokens) || escapeText(token.href)}](${linkTarget(token.href)})`;
    case "image":
      // No image by URL in a card: the picture becomes a link to it.
      return `[${escapeText(token.text || "image")}](${linkTarget(token.href)})`;
    case "br":
      return "\n";
    case "html":
      return escapeText(token.text);
    case "checkbox":
      return token.checked ? "☑ " : "☐ ";
    default: {
      const generic = any as Tokens.Generic;
      if (generic.tokens) return inline(generic.tokens);
      return typeof generic.text === "string" ? escapeText(decodeEntities(generic.text)) : "";
    }
  }
}

function listBlock(list: Tokens.List, depth: number): string {
  const indent = "  ".repeat(depth);
  const start = typeof list.start === "number" ? list.start : 1;
  return list.items
    .map((item, index) => {
      const marker = list.ordered ? `${start + index}.` : "-";
      const lines: string[] = [];
      let first = "";
      for (const child of item.tokens) {
        const typed = child as MarkedToken;
        if (typed.type === "list") lines.push(listBlock(typed, depth + 1));
        else if (typed.type === "text" || typed.type === "paragraph") {
          const text = typed.tokens ? inline(typed.tokens) : escapeText(typed.text);
          if (first === "" && lines.length === 0) first = text;
          else lines.push(`${indent}  ${text}`);
        } else if (typed.type !== "space" && typed.type !== "checkbox") {
          // Every line of a nested block (a code block's too) stays inside the item.
          lines.push(...block(child).flatMap((text) => text.split("\n")).map((line) => `${indent}  ${line}`));
        }
      }
      const check = item.task ? (item.checked ? "☑ " : "☐ ") : "";
      return [`${indent}${marker} ${check}${first}`, ...lines].join("\n");
    })
    .join("\n");
}

function block(any: Token): string[] {
  const token = any as MarkedToken;
  switch (token.type) {
    case "space":
      return [];
    case "paragraph":
      return [inline(token.tokens)];
    case "heading":
      return [`**${inline(token.tokens)}**`];
    case "code":
      // A fence in the code itself would end the block early: use a longer fence.
      return [`${fenceFor(token.text)}${token.lang ?? ""}\n${token.text}\n${fenceFor(token.text)}`];
    case "blockquote":
      return [token.tokens.flatMap(block).join("\n\n").split("\n").map((line) => `> ${line}`).join("\n")];
    case "list":
      return [listBlock(token, 0)];
    case "hr":
      return ["———"];
    case "table": {
      const row = (cells: Tokens.TableCell[]) => `| ${cells.map((cell) => inline(cell.tokens)).join(" | ")} |`;
      return [[row(token.header), `|${token.header.map(() => " --- ").join("|")}|`, ...token.rows.map(row)].join("\n")];
    }
    case "html":
      return [escapeText(token.text.trim())];
    case "text":
      return [token.tokens ? inline(token.tokens) : escapeText(token.text)];
    default: {
      const generic = any as Tokens.Generic;
      if (generic.tokens) return [inline(generic.tokens)];
      return typeof generic.text === "string" ? [escapeText(generic.text)] : [];
    }
  }
}

function fenceFor(code: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  return "`".repeat(longest + 1);
}

/**
 * Code is sent as written, and a card may read tags even there: an `<at …>` (an @mention, `id=all`
 * pings everyone) is broken with a zero-width space, so an answer that quotes one mentions nobody.
 */
const defuseMentions = (text: string) => text.replace(/<(\/?at)\b/gi, "<\u200b$1");

export function toFeishuMarkdown(markdown: string): string {
  return defuseMentions(new Lexer({ gfm: true }).lex(markdown).flatMap(block).join("\n\n").trim());
}

