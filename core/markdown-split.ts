import { Lexer, type Token } from "marked";

/**
 * Splits Markdown into chunks of at most `maxLength` characters on block boundaries
 * (paragraphs, lists, code blocks). A code block too long for one chunk is cut between lines
 * and each piece is fenced again, so no chunk ends inside an open fence.
 */
export function splitMarkdown(text: string, maxLength: number): string[] {
  if (text.length <= maxLength) return [text];
  const chunks: string[] = [];
  let current = "";
  const flush = () => {
    if (current.trim()) chunks.push(current.trim());
    current = "";
  };
  for (const token of Lexer.lex(text)) {
    if (current.length + token.raw.length <= maxLength) {
      current += token.raw;
      continue;
    }
    flush();
    if (token.raw.length <= maxLength) {
      current = token.raw;
      continue;
    }
    const pieces = splitBlock(token, maxLength);
    current = pieces.pop() ?? "";
    chunks.push(...pieces.map((piece) => piece.trim()).filter(Boolean));
  }
  flush();
  return chunks;
}

function splitBlock(token: Token, maxLength: number): string[] {
  const fenceMatch = token.type === "code" ? /^\s*(`{3,}|~{3,})/.exec(token.raw) : null;
  if (fenceMatch) {
    const lines = token.raw.trimEnd().split("\n");
    const open = lines[0]!.trim();
    const fence = fenceMatch[1]!;
    const body = lines.slice(1, lines.at(-1)!.trim().startsWith(fence) ? -1 : undefined);
    // Each piece ends with a newline, so text that follows starts on its own line, after the closing fence.
    const room = maxLength - open.length - fence.length - 3;
    return packLines(body, room).map((piece) => `${open}\n${piece}\n${fence}\n`);
  }
  return packLines(token.raw.split("\n"), maxLength);
}

/** Packs lines into pieces of at most `maxLength`, cutting over-long lines at a space where one exists. */
function packLines(lines: readonly string[], maxLength: number): string[] {
  const pieces: string[] = [];
  let current = "";
  for (const line of lines.flatMap((line) => cutLine(line, maxLength))) {
    const next = current === "" ? line : `${current}\n${line}`;
    if (next.length <= maxLength) {
      current = next;
      continue;
    }
    pieces.push(current);
    current = line;
  }
  if (current !== "") pieces.push(current);
  return pieces;
}

function cutLine(line: string, maxLength: number): string[] {
  const parts: string[] = [];
  let rest = line;
  while (rest.length > maxLength) {
    const space = rest.lastIndexOf(" ", maxLength);
    const cut = space > maxLength / 2 ? space : maxLength;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, "");
  }
  parts.push(rest);
  return parts;
}
