import { marked, type Token, type Tokens } from "marked";

/**
 * CommonMark → the plain text WeChat shows (it renders no markdown): emphasis keeps its words,
 * links show their address, lists keep a bullet or number, code blocks keep their lines, tables
 * become tab-separated rows, HTML entities are decoded.
 */
export function toPlainText(markdown: string): string {
  const tokens = marked.lexer(markdown);
  return blocks(tokens).replace(/\n{3,}/g, "\n\n").trim();
}

const entities: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " " };
const decode = (text: string) => text.replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (entity) => entities[entity] ?? entity);

function inline(tokens: readonly Token[] | undefined): string {
  if (!tokens) return "";
  return tokens.map(inlineToken).join("");
}

function inlineToken(token: Token): string {
  switch (token.type) {
    case "strong":
    case "em":
    case "del":
      return inline((token as Tokens.Strong).tokens);
    case "codespan":
      return decode((token as Tokens.Codespan).text);
    case "link": {
      const link = token as Tokens.Link;
      const label = inline(link.tokens);
      return label && label !== link.href && !link.href.startsWith("mailto:") ? `${label} (${link.href})` : link.href;
    }
    case "image": {
      const image = token as Tokens.Image;
      return image.text ? `${image.text} (${image.href})` : image.href;
    }
    case "br":
      return "\n";
    case "text": {
      const text = token as Tokens.Text;
      return text.tokens ? inline(text.tokens) : decode(text.text);
    }
    case "escape":
      return (token as Tokens.Escape).text;
    case "html":
      return (token as Tokens.HTML).text;
    default:
      return "raw" in token ? String(token.raw) : "";
  }
}

function blocks(tokens: readonly Token[]): string {
  const out: string[] = [];
  for (const token of tokens) {
    switch (token.type) {
      case "space":
        break;
      case "heading":
        out.push(inline((token as Tokens.Heading).tokens));
        break;
      case "paragraph":
        out.push(inline((token as Tokens.Paragraph).tokens));
        break;
      case "text": {
        const text = token as Tokens.Text;
        out.push(text.tokens ? inline(text.tokens) : decode(text.text));
        break;
      }
      case "code":
        out.push((token as Tokens.Code).text);
        break;
      case "blockquote":
        out.push(
          blocks((token as Tokens.Blockquote).tokens)
            .split("\n")
            .map((line) => `> ${line}`)
            .join("\n"),
        );
        break;
      case "list": {
        const list = token as Tokens.List;
        const start = typeof list.start === "number" ? list.start : 1;
        const lines = list.items.map((item, index) => {
          const marker = list.ordered ? `${start + index}.` : "•";
          const check = item.task ? (item.checked ? "[x] " : "[ ] ") : "";
          const body = blocks(item.tokens).replace(/\n\n+/g, "\n");
          return `${marker} ${check}${body.replace(/\n/g, "\n  ")}`;
        });
        out.push(lines.join("\n"));
        break;
      }
      case "table": {
        const table = token as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((cell) => inline(cell.tokens)).join("\t");
        out.push([row(table.header), ...table.rows.map(row)].join("\n"));
        break;
      }
      case "hr":
        out.push("———");
        break;
      case "html":
        out.push((token as Tokens.HTML).text.trim());
        break;
      default:
        if ("raw" in token) out.push(String(token.raw).trim());
    }
  }
  return out.join("\n\n");
}
