import type { Tokens } from "marked";
import type { Walk } from "./walk.ts";

/** What the walker knows while it writes inline text: whether it is already inside bold (Slack cannot nest `*`). */
export interface InlineContext {
  isInsideBold: boolean;
}

/** A block may become several parts (speakable text reads each list item as its own sentence); "" parts are dropped. */
export type BlockOutput = string | readonly string[];

/**
 * How one platform writes Markdown: the walker (walk.ts) goes through marked's tokens once and asks
 * the dialect how to spell each construct. Inline hooks get their content already written; block
 * hooks get the token and the walk, and choose the depth they pass on (list nesting).
 */
export interface Dialect {
  /** A run of text as marked keeps it (entities still encoded). */
  text(text: string): string;
  /** A character the author escaped with a backslash. */
  literal(text: string): string;
  strong(inner: string, context: InlineContext): string;
  em(inner: string): string;
  del(inner: string): string;
  codeSpan(code: string): string;
  lineBreak: string;
  link(label: string, link: Tokens.Link): string;
  image(image: Tokens.Image): string;
  inlineHtml(html: string): string;

  paragraph(inner: string, depth: number): string;
  /** The text of a tight list item; a paragraph unless the dialect says otherwise. */
  textBlock?(inner: string, depth: number): string;
  heading(heading: Tokens.Heading, walk: Walk, depth: number): string;
  code(code: Tokens.Code, depth: number): BlockOutput;
  blockquote(quote: Tokens.Blockquote, walk: Walk, depth: number): BlockOutput;
  list(list: Tokens.List, walk: Walk, depth: number): BlockOutput;
  table(table: Tokens.Table, walk: Walk, depth: number): BlockOutput;
  rule(depth: number): BlockOutput;
  htmlBlock(html: string, depth: number): BlockOutput;
  /** The whole message from its top-level parts. */
  document(parts: readonly string[]): string;
}

/**
 * A dialect for a platform that renders Markdown itself (WeCom): the source is kept as written and
 * only the constructs the platform lacks are rewritten. Code (spans and blocks) is never touched.
 */
export interface SourceDialect {
  image(image: Tokens.Image): string;
  del(del: Tokens.Del): string;
  html(raw: string): string;
  taskBox(isChecked: boolean): string;
  /** A link rewritten, or undefined to keep it as written (its label is still walked). */
  link?(link: Tokens.Link): string | undefined;
}
