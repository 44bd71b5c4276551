const maxTerms = 32;
/**
 * English words that are in almost every passage: they rank nothing and make each query score every row.
 * (Questions in other languages keep all their words.)
 */
const stopWords = new Set(
  ("the and for are but not you all any can had her was one our out has have how does what which when where who why with " +
    "this that from they will would there their into about your its also than then them these those been being were did " +
    "should could may might must just some such only own same very more most other over under again here each few both " +
    "between through during before after above below off until while because please tell know").split(" "),
);
const han = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u;

/**
 * The search terms of a free text for a trigram index: words of three characters or more, and runs of Chinese
 * (Japanese, Korean) characters cut into overlapping three-character pieces, since those scripts have no
 * spaces. Shorter words cannot be matched by trigrams and are left out, and so are common English words.
 * Lower-cased, deduplicated, at most 32.
 */
export function searchTerms(text: string): string[] {
  const terms = new Set<string>();
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []) {
    const chars = [...word];
    if (chars.some((char) => han.test(char))) {
      for (let start = 0; start + 3 <= chars.length; start += 1) terms.add(chars.slice(start, start + 3).join(""));
      if (chars.length < 3) continue;
    } else if (chars.length >= 3 && !stopWords.has(word)) {
      terms.add(word);
    }
    if (terms.size >= maxTerms) break;
  }
  return [...terms].slice(0, maxTerms);
}

/** An FTS5 MATCH expression for any of the text's terms, each quoted (no operator in a user's text is obeyed); undefined when none. */
export function ftsMatch(text: string): string | undefined {
  const terms = searchTerms(text);
  return terms.length === 0 ? undefined : terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(" OR ");
}

/**
 * Two-character pieces of the text's Chinese (Japanese, Korean) runs: most words of those scripts are two
 * characters, which a trigram index cannot match, so these are searched by substring as well. At most 16.
 */
export function cjkBigrams(text: string): string[] {
  const pieces = new Set<string>();
  for (const run of text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu) ?? []) {
    const chars = [...run];
    for (let start = 0; start + 2 <= chars.length; start += 1) pieces.add(chars.slice(start, start + 2).join(""));
  }
  return [...pieces].slice(0, 16);
}

/** How many of the pieces a text contains, as a share of them (0 when there are none). */
export function bigramScore(text: string, pieces: readonly string[]): number {
  return pieces.length === 0 ? 0 : pieces.filter((piece) => text.includes(piece)).length / pieces.length;
}

/** A LIKE pattern that matches `piece` literally (with `ESCAPE '\'`). */
export function likePattern(piece: string): string {
  return `%${piece.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}
