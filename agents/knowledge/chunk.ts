import type { KnowledgeChunk } from "../../core/store/knowledge-store.ts";

/** About 250 tokens of English: big enough to carry a point, small enough that five fit a tool result. */
export const maxChunkChars = 1000;

/** Splits a paragraph longer than `maxChars` at sentence ends (or anywhere, as a last resort). */
function splitLong(paragraph: string, maxChars: number): string[] {
  if (paragraph.length <= maxChars) return [paragraph];
  const sentences = paragraph.match(/[^.!?。！？\n]+[.!?。！？]*\s*/gu) ?? [paragraph];
  const parts: string[] = [];
  let current = "";
  for (const sentence of sentences) {
    if (current && current.length + sentence.length > maxChars) {
      parts.push(current.trim());
      current = "";
    }
    current += sentence;
    while (current.length > maxChars) {
      parts.push(current.slice(0, maxChars).trim());
      current = current.slice(maxChars);
    }
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/**
 * Cuts Markdown-like text into chunks: a heading starts a new chunk and names its section (the path of headings
 * above it, `Setup › Keys`); paragraphs join until a chunk would pass `maxChars`; a fenced code block stays whole
 * when it fits.
 */
export function chunkText(text: string, maxChars = maxChunkChars): KnowledgeChunk[] {
  const chunks: KnowledgeChunk[] = [];
  const headings: string[] = [];
  let section = "";
  let current: string[] = [];
  let size = 0;
  const flush = () => {
    const body = current.join("\n\n").trim();
    if (body) chunks.push({ section, text: body });
    current = [];
    size = 0;
  };
  const add = (paragraph: string) => {
    for (const part of splitLong(paragraph, maxChars)) {
      if (size > 0 && size + part.length + 2 > maxChars) flush();
      current.push(part);
      size += part.length + 2;
    }
  };
  // Fenced code blocks are set aside first: their blank lines and `#` lines are code, not structure.
  const fences: string[] = [];
  const withoutFences = text
    .replace(/\r\n?/g, "\n")
    .replace(/^```[^\n]*\n[\s\S]*?(?:\n```[^\n]*$|$(?![\s\S]))/gm, (fence) => `\u0000${fences.push(fence) - 1}\u0000`);
  const restored = (paragraph: string) => paragraph.replace(/\u0000(\d+)\u0000/g, (_, index: string) => fences[Number(index)]!);
  for (const block of withoutFences.split(/\n\s*\n/)) {
    const lines = block.split("\n");
    let rest: string[] = [];
    for (const line of lines) {
      const heading = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
      if (!heading) {
        rest.push(line);
        continue;
      }
      if (rest.join("\n").trim()) add(restored(rest.join("\n").trim()));
      rest = [];
      flush();
      const level = heading[1]!.length;
      headings.splice(level - 1, headings.length, heading[2]!);
      section = headings.filter(Boolean).join(" › ");
    }
    if (rest.join("\n").trim()) add(restored(rest.join("\n").trim()));
  }
  flush();
  return chunks;
}
