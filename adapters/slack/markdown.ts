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

function inline(tokens: readonly Token[] | undefined): string {
  return (tokens ?? []).map(inlineToken).join("");
}

function linkLabel(label: string): string {
  // `|` and `>` end Slack's link syntax; keep them readable.
  return label.replaceAll("|", "¦");
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : escapeSlack(text.text);
    }
    case "escape":
      return escapeSlack((token as Tokens.Escape).text);
    case "strong":
      return `*${inline((token as Tokens.Strong).tokens)}*`;
    case "em":
      return `_${inline((token as Tokens.Em).tokens)}_`;
    case "del":
      return `~${inline((token as Tokens.Del).tokens)}~`;
    case "codespan":
      return `\`${escapeSlack((token as Tokens.Codespan).text)}\``;
    case "br":
      return "\n";
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens);
      const url = escapeSlack(link.href);
      return label && label !== url ? `<${url}|${linkLabel(label)}>` : `<${url}>`;
    }
    case "image": {
      const image = token as Tokens.Image;
      return `<${escapeSlack(image.href)}|${linkLabel(escapeSlack(image.text || image.href))}>`;
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
      return `*${inline((token as Tokens.Heading).tokens)}*`;
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
      const row = (cells: readonly Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens)).join(" | ");
      return [`*${row(table.header)}*`, ...table.rows.map(row)].join("\n");
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
