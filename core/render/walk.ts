import { Lexer, type Token, type Tokens } from "marked";
import type { BlockOutput, Dialect, InlineContext, SourceDialect } from "./dialect.ts";

/**
 * The one walk over marked's tokens: every platform's text (Telegram HTML, Slack mrkdwn, Feishu card
 * Markdown, WeCom Markdown, plain text, speakable text) is this walk with a different dialect.
 * Tokens marked does not know (extensions) keep their children or their text.
 */
export interface Walk {
  inline(tokens: readonly Token[] | undefined, context?: InlineContext): string;
  /** Block tokens → their non-empty parts, in order. */
  blocks(tokens: readonly Token[], depth: number): string[];
  /** An item's blocks, without the task checkbox (every dialect shows the box from `item.checked`). */
  itemBlocks(item: Tokens.ListItem, depth: number): string[][];
}

const outside: InlineContext = { isInsideBold: false };

export function renderMarkdown(markdown: string, dialect: Dialect): string {
  return dialect.document(createWalk(dialect).blocks(Lexer.lex(markdown), 0));
}

/** The number an ordered list item shows (lists may start at any number). */
export function itemNumber(list: Tokens.List, index: number): number {
  return (typeof list.start === "number" ? list.start : 1) + index;
}

/** A task item's box, "☐" or "☑"; "" for an ordinary item. */
/** A block quote as Markdown-style `> ` lines, for dialects that quote that way. */
export function quotedLines(quote: Tokens.Blockquote, walk: Walk): string {
  return walk
    .blocks(quote.tokens, 0)
    .join("\n\n")
    .split("\n")
    .map((line) => `> ${line}`)
    .join("\n");
}

export const taskBox = (item: Tokens.ListItem): string => (item.task ? (item.checked ? "☑" : "☐") : "");

export function createWalk(dialect: Dialect): Walk {
  const inlineToken = (token: Token, context: InlineContext): string => {
    const t = token as Tokens.Generic;
    switch (token.type) {
      case "text":
        return t.tokens ? inline(t.tokens, context) : dialect.text(t.text as string);
      case "escape":
        return dialect.literal(t.text as string);
      case "strong":
        return dialect.strong(inline(t.tokens, { isInsideBold: true }), context);
      case "em":
        return dialect.em(inline(t.tokens, context));
      case "del":
        return dialect.del(inline(t.tokens, context));
      case "codespan":
        return dialect.codeSpan(t.text as string);
      case "br":
        return dialect.lineBreak;
      case "link":
        return dialect.link(inline(t.tokens, context), token as Tokens.Link);
      case "image":
        return dialect.image(token as Tokens.Image);
      case "html":
        return dialect.inlineHtml(t.text as string);
      case "checkbox":
        return "";
      default:
        return t.tokens ? inline(t.tokens, context) : dialect.text(typeof t.text === "string" ? t.text : "");
    }
  };

  const inline = (tokens: readonly Token[] | undefined, context = outside): string =>
    (tokens ?? []).map((token) => inlineToken(token, context)).join("");

  const block = (token: Token, depth: number): BlockOutput => {
    const t = token as Tokens.Generic;
    switch (token.type) {
      case "space":
      case "def":
      case "checkbox":
        return "";
      case "paragraph":
        return dialect.paragraph(inline(t.tokens), depth);
      case "text": {
        const text = t.tokens ? inline(t.tokens) : dialect.text(t.text as string);
        return (dialect.textBlock ?? dialect.paragraph)(text, depth);
      }
      case "heading":
        return dialect.heading(token as Tokens.Heading, walk, depth);
      case "code":
        return dialect.code(token as Tokens.Code, depth);
      case "blockquote":
        return dialect.blockquote(token as Tokens.Blockquote, walk, depth);
      case "list":
        return dialect.list(token as Tokens.List, walk, depth);
      case "table":
        return dialect.table(token as Tokens.Table, walk, depth);
      case "hr":
        return dialect.rule(depth);
      case "html":
        return dialect.htmlBlock(t.text as string, depth);
      default:
        return t.tokens ? dialect.paragraph(inline(t.tokens), depth) : dialect.paragraph(dialect.text(typeof t.text === "string" ? t.text : ""), depth);
    }
  };

  const parts = (output: BlockOutput): string[] => (typeof output === "string" ? [output] : [...output]).filter((part) => part !== "");

  const walk: Walk = {
    inline,
    blocks: (tokens, depth) => tokens.flatMap((token) => parts(block(token, depth))),
    itemBlocks: (item, depth) => item.tokens.filter((child) => child.type !== "checkbox").map((child) => parts(block(child, depth))),
  };
  return walk;
}

interface Replacement {
  from: string;
  to: string;
}

/**
 * Markdown kept as written, with what the platform lacks rewritten (see `SourceDialect`). Each
 * rewrite is applied after the previous one, so an equal snippet inside code stays as it is.
 */
export function rewriteMarkdown(markdown: string, dialect: SourceDialect): string {
  return Lexer.lex(markdown)
    .map((token) => {
      switch (token.type) {
        case "code":
        case "space":
        case "hr":
          return token.raw;
        case "html":
          return dialect.html(token.raw);
        case "list": {
          const items = (token as Tokens.List).items;
          return applyRewrites(token.raw, items.flatMap((item) => [...taskBoxRewrite(item, dialect), ...sourceRewrites(item.tokens, dialect)]));
        }
        default:
          return applyRewrites(token.raw, sourceRewrites([token], dialect));
      }
    })
    .join("");
}

/** Rewrites under `tokens` in document order; code is recorded unchanged so the cursor passes it. */
function sourceRewrites(tokens: readonly Token[], dialect: SourceDialect): Replacement[] {
  return tokens.flatMap((token): Replacement[] => {
    if (token.type === "codespan" || token.type === "code") return [{ from: token.raw, to: token.raw }];
    if (token.type === "image") return [{ from: token.raw, to: dialect.image(token as Tokens.Image) }];
    if (token.type === "del") return [{ from: token.raw, to: dialect.del(token as Tokens.Del) }];
    if (token.type === "html") return [{ from: token.raw, to: dialect.html(token.raw) }];
    const link = token.type === "link" ? dialect.link?.(token as Tokens.Link) : undefined;
    if (link !== undefined) return [{ from: token.raw, to: link }];
    const children = (token as { tokens?: Token[] }).tokens ?? (token as { items?: Token[] }).items;
    return children ? sourceRewrites(children, dialect) : [];
  });
}

function taskBoxRewrite(item: Tokens.ListItem, dialect: SourceDialect): Replacement[] {
  if (!item.task) return [];
  const box = /\[[ xX]\]\s?/.exec(item.raw);
  return box ? [{ from: box[0], to: dialect.taskBox(item.checked === true) }] : [];
}

function applyRewrites(raw: string, replacements: readonly Replacement[]): string {
  let out = "";
  let cursor = 0;
  for (const replacement of replacements) {
    const at = raw.indexOf(replacement.from, cursor);
    if (at < 0) continue;
    out += raw.slice(cursor, at) + replacement.to;
    cursor = at + replacement.from.length;
  }
  return out + raw.slice(cursor);
}
