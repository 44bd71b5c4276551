const namedEntities: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ensp: " ",
  emsp: " ",
  thinsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  lsquo: "‘",
  rsquo: "’",
  ldquo: "“",
  rdquo: "”",
  laquo: "«",
  raquo: "»",
  bull: "•",
  middot: "·",
  copy: "©",
  reg: "®",
  trade: "™",
  deg: "°",
  times: "×",
  divide: "÷",
  euro: "€",
  pound: "£",
  yen: "¥",
  cent: "¢",
  sect: "§",
  para: "¶",
  szlig: "ß",
  aelig: "æ",
  AElig: "Æ",
  oslash: "ø",
  Oslash: "Ø",
};

const combiningMarks: Record<string, string> = {
  acute: "\u0301",
  grave: "\u0300",
  circ: "\u0302",
  uml: "\u0308",
  tilde: "\u0303",
  cedil: "\u0327",
  ring: "\u030a",
};

/** `&eacute;`, `&Uuml;`, `&ccedil;`…: a letter plus a combining mark, composed. */
function accentedLetter(name: string): string | undefined {
  const match = /^([a-zA-Z])(acute|grave|circ|uml|tilde|cedil|ring)$/.exec(name);
  return match ? `${match[1]}${combiningMarks[match[2]!]}`.normalize("NFC") : undefined;
}

function codePointText(codePoint: number, original: string): string {
  return Number.isInteger(codePoint) && codePoint > 0 && codePoint <= 0x10ffff && (codePoint < 0xd800 || codePoint > 0xdfff)
    ? String.fromCodePoint(codePoint)
    : original;
}

/** Decodes the common named entities and every numeric one, in one pass (so `&amp;lt;` stays `&lt;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (original, body: string) => {
    if (body[0] !== "#") return namedEntities[body] ?? namedEntities[body.toLowerCase()] ?? accentedLetter(body) ?? original;
    const isHex = body[1] === "x" || body[1] === "X";
    return codePointText(Number.parseInt(body.slice(isHex ? 2 : 1), isHex ? 16 : 10), original);
  });
}

const droppedElements = /<(script|style|noscript|template|svg|iframe|object|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const blockNames = [
  "p", "div", "section", "article", "header", "footer", "nav", "aside", "main", "h[1-6]", "ul", "ol", "dl", "dt", "dd",
  "table", "thead", "tbody", "tr", "blockquote", "pre", "form", "fieldset", "figure", "figcaption", "details", "summary",
  "address", "hr", "br",
];
const blockTags = new RegExp(`</?(?:${blockNames.join("|")})\\b[^>]*>`, "gi");

/**
 * Readable text from HTML without a parser: the title, then the body with scripts, styles and tags
 * gone, blocks on their own lines, list items marked, entities decoded and whitespace collapsed.
 * Good enough for reading a page; not a sanitizer.
 */
export function htmlToText(html: string): string {
  const withoutComments = html.replace(/<!--[\s\S]*?-->/g, "");
  const title = /<title\b[^>]*>([\s\S]*?)<\/title\s*>/i.exec(withoutComments)?.[1];
  const body = withoutComments
    .replace(droppedElements, " ")
    .replace(/<li\b[^>]*>/gi, "\n- ")
    .replace(/<\/t[dh]\s*>/gi, " ")
    .replace(blockTags, "\n")
    .replace(/<\/?[a-zA-Z][^>]*>|<![^>]*>|<\?[^>]*>/g, "");
  const lines = decodeEntities(body)
    .split("\n")
    .map((line) => line.replace(/[\s\u00a0]+/g, " ").trim());
  const text = lines.join("\n").replace(/\n{3,}/g, "\n\n").trim();
  const cleanTitle = title ? decodeEntities(title.replace(/<[^>]*>/g, "")).replace(/\s+/g, " ").trim() : "";
  return cleanTitle && !text.startsWith(cleanTitle) ? `${cleanTitle}\n\n${text}` : text;
}
