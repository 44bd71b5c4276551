import { Lexer, type Token, type Tokens } from "marked";
import { escapeSlack } from "./text.ts";

/**
 * CommonMark → Slack mrkdwn: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ``` blocks, `<url|label>`,
 * bullets for lists, bold lines for headings. `&`, `<` and `>` in text are escaped (Slack's only escapes);
 * what mrkdwn cannot show (tables, images) keeps its text.
 */
export function toMrkdwn(markdown: string): string {
  return blocks(new Lexer().lex(markdown)).trim();
}

/** `isBold`: already inside `*…*` (a heading, a table header): a nested `*` would end it, so inner bold adds none. */
function inline(tokens: readonly Token[] | undefined, isBold = false): string {
  return (tokens ?? []).map((token) => inlineToken(token, isBold)).join("");
}

function linkLabel(label: string): string {
  // `|` and `>` end Slack's link syntax; keep them readable.
  return label.replaceAll("|", "¦");
}

/** A URL inside `<url|label>`: a `|` in it would end the URL early, so it is percent-encoded. */
function linkUrl(href: string): string {
  return escapeSlack(href).replaceAll("|", "%7C");
}

function inlineToken(token: Token, isBold = false): string {
  switch (token.type) {
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens, isBold) : escapeSlack(text.text);
    }
    case "escape":
      return escapeSlack((token as Tokens.Escape).text);
    case "strong":
      return isBold ? inline((token as Tokens.Strong).tokens, true) : `*${inline((token as Tokens.Strong).tokens, true)}*`;
    case "em":
      return `_${inline((token as Tokens.Em).tokens, isBold)}_`;
    case "del":
      return `~${inline((token as Tokens.Del).tokens, isBold)}~`;
    case "codespan":
      return `\`${escapeSlack((token as Tokens.Codespan).text)}\``;
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens, isBold);
      const url = linkUrl(link.href);
      return label && label !== url ? `<${url}|${linkLabel(label)}>` : `<${url}>`;
    }
    case "image": {
      const image = token as Tokens.Image;
      return `<${linkUrl(image.href)}|${linkLabel(escapeSlack(image.text || image.href))}>`;
    }
    case "html":
      return escapeSlack((token as Tokens.HTML).text);
    default:
      return "raw" in token ? escapeSlack(String(token.raw)) : "";
  }
}

function list(token: Tokens.List, depth: number): string {
  const indent = "    ".repeat(depth);
  const start = typeof token.start === "number" ? token.start : 1;
  return token.items
    .map((item, index) => {
      const marker = token.ordered ? `${start + index}.` : item.task ? (item.checked ? "☑" : "☐") : depth % 2 === 0 ? "•" : "◦";
      const parts: string[] = [];
      const nested: string[] = [];
      for (const child of item.tokens) {
        if (child.type === "list") nested.push(list(child as Tokens.List, depth + 1));
        else if (child.type !== "checkbox") parts.push(block(child, depth + 1));
      }
      const body = parts.filter(Boolean).join("\n").replaceAll("\n", `\n${indent}  `);
      return [`${indent}${marker} ${body}`, ...nested].join("\n");
    })
    .join("\n");
}

function block(token: Token, depth = 0): string {
  switch (token.type) {
    case "space":
    case "hr":
      return token.type === "hr" ? "──────────" : "";
    case "heading":
      return `*${inline((token as Tokens.Heading).tokens, true)}*`;
    case "paragraph":
      return inline((token as Tokens.Paragraph).tokens);
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeSlack(text.text);
    }
    case "code": {
      const code = (token as Tokens.Code).text;
      return `\`\`\`\n${escapeSlack(code)}\n\`\`\``;
    }
    case "blockquote":
      return blocks((token as Tokens.Blockquote).tokens)
        .split("\n")
        .map((line) => `> ${line}`)
        .join("\n");
    case "list":
      return list(token as Tokens.List, depth);
    case "table": {
      const table = token as Tokens.Table;
      const row = (cells: readonly Tokens.TableCell[], isBold = false) => cells.map((cell) => inline(cell.tokens, isBold)).join(" | ");
      return [`*${row(table.header, true)}*`, ...table.rows.map((cells) => row(cells))].join("\n");
    }
    case "html":
      return escapeSlack((token as Tokens.HTML).text);
    default:
      return inlineToken(token);
  }
}

function blocks(tokens: readonly Token[]): string {
  return tokens
    .map((token) => block(token))
    .filter((text) => text !== "")
    .join("\n\n");
}
