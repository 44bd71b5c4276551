import { likePattern, searchTerms } from "../fts-query.ts";

const han = /\p{Script=Han}|\p{Script=Hiragana}|\p{Script=Katakana}|\p{Script=Hangul}/u;

export interface TextQuery {
  /** A `simple` tsquery: any of the words, each as a prefix ("deploy" finds "deploying"); undefined when none. */
  words: string | undefined;
  /** LIKE patterns (lower-case) of the Chinese (Japanese, Korean) three-character pieces, which no tsvector splits. */
  pieces: string[];
}

/**
 * The same terms as the SQLite trigram index searches (core/store/fts-query.ts), split for PostgreSQL: words go to
 * the tsvector (ts_rank), Chinese pieces to substring matches. Terms hold only letters, digits and `_`, so quoting
 * them makes no operator of a user's text.
 */
export function textQuery(text: string): TextQuery {
  const terms = searchTerms(text);
  const words = terms.filter((term) => !han.test(term));
  return {
    words: words.length === 0 ? undefined : words.map((word) => `'${word}':*`).join(" | "),
    pieces: terms.filter((term) => han.test(term)).map(likePattern),
  };
}

/**
 * SQL for a row's relevance to a query bound as `$words` (tsquery text or null) and `$pieces` (text[]): ts_rank of
 * the words plus the number of pieces its text holds; and whether it matches at all.
 */
export function relevanceSql(vector: string, text: string, words: string, pieces: string): { score: string; matches: string } {
  const query = `to_tsquery('simple', ${words}::text)`;
  const held = `(SELECT count(*) FROM unnest(${pieces}::text[]) AS piece WHERE lower(${text}) LIKE piece ESCAPE '\\')`;
  return {
    score: `(CASE WHEN ${vector} @@ ${query} THEN ts_rank(${vector}, ${query}) ELSE 0 END + ${held})`,
    matches: `(coalesce(${vector} @@ ${query}, false) OR ${held} > 0)`,
  };
}
