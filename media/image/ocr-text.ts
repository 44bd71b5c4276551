/** Han, kana, Hangul, CJK punctuation and full-width forms: scripts written without spaces between characters. */
const cjk = String.raw`\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef`;
const spaceBetweenCjk = new RegExp(`(?<=[${cjk}]) (?=[${cjk}])`, "gu");
/** Tesseract often reads full-width "：" and "，" as ASCII with spaces around: "失败 : 数据库". */
const spaceAroundPunctuationInCjk = new RegExp(`(?<=[${cjk}]) ?([,.:;!?]) ?(?=[${cjk}])`, "gu");

/**
 * Tesseract's text made fit to read: spaces collapsed and trimmed on each line, at most one blank
 * line between paragraphs, and no spaces between Chinese characters (tesseract puts one between
 * most of them: "今天 天 气 很 好 ，" becomes "今天天气很好，"), nor around punctuation between
 * them. Spaces between Chinese and Latin words stay.
 */
export function tidyOcrText(text: string): string {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, " ").trim().replace(spaceBetweenCjk, "").replace(spaceAroundPunctuationInCjk, "$1"))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
