import { markdownToSpeakable } from "../../core/render/speakable.ts";

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
  return cut(markdownToSpeakable(markdown), maxChars);
}
