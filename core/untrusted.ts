import { printable } from "./printable.ts";

/** Defuses every `<untrusted` and `</untrusted` in the text (a zero-width space after `<`), so it cannot close its wrapper. */
const defused = (text: string) => text.replace(/<(\s*\/?\s*untrusted)/gi, "<\u200b$1");

/**
 * Text from someone or something not trusted (a group member, a web page, a tool's output) in the tags the agents'
 * instructions name: the source is one line without quotes or brackets, and the text cannot close the tag.
 */
export function untrusted(source: string, text: string): string {
  const label = printable(source).replace(/["<>]/g, "'");
  return `<untrusted source="${label}">\n${defused(text)}\n</untrusted>`;
}
