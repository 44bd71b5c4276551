import { Lexer } from "marked";
import { translate, type Locale } from "../i18n/catalogue.ts";
import type { Adapter, Capabilities, SendOptions, SentMessage } from "../types/adapter.ts";
import type { ConversationRef } from "../types/conversation.ts";
import { buttonCommand, type Button, type ReplyPart } from "../types/reply.ts";
import { markdownToPlainText } from "./plain-text.ts";

/**
 * What a platform gets when it lacks a feature (the table is in docs/rendering.md). Styles a
 * dialect cannot show keep their text (the dialects, walk.ts); what depends on capabilities is here.
 */

/** Markdown that shows `text` exactly as written: every ASCII punctuation mark is backslash-escaped. */
export const escapeMarkdown = (text: string): string => text.replace(/[!-/:-@[-`{-~]/g, "\\$&");

/** The one rendering of an error part: "⚠️ The model is down. (ref e7k2)". */
export const errorText = (part: Extract<ReplyPart, { type: "error" }>): string =>
  translate(part.locale ?? "en", "errors.withRef", { message: part.message, ref: part.ref });

/** The same as Markdown for the platforms that render Markdown: the message shows literally. */
export const errorMarkdown = (part: Extract<ReplyPart, { type: "error" }>): string =>
  translate(part.locale ?? "en", "errors.withRef", { message: escapeMarkdown(part.message), ref: escapeMarkdown(part.ref) });

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Buttons on a platform without buttons: their text plus "Reply /approve 3f2a or /deny 3f2a." (the
 * button ids are the commands), without the instruction when the text already names each command.
 */
export function buttonsAsMarkdown(markdown: string, buttons: readonly Button[], locale: Locale = "en"): string {
  const shown = markdownToPlainText(markdown);
  const commands = buttons.map((button) => buttonCommand(button.id));
  const missing = commands.filter((command) => !new RegExp(`${escapeRegExp(command)}(?![\\p{L}\\p{N}])`, "u").test(shown));
  if (missing.length === 0) return markdown;
  const typed = commands.map(escapeMarkdown);
  const listed = typed.length === 1 ? typed[0]! : translate(locale, "approvals.typedOr", { list: typed.slice(0, -1).join(", "), last: typed.at(-1)! });
  return `${closeOpenFence(markdown.trimEnd())}\n\n${translate(locale, "approvals.typedReply", { commands: listed })}`;
}

/** Text appended after an unclosed code fence would be read as code: the fence is closed first. */
function closeOpenFence(markdown: string): string {
  const last = Lexer.lex(markdown).findLast((token) => token.type !== "space");
  const fence = last?.type === "code" ? /^ {0,3}(`{3,}|~{3,})/.exec(last.raw)?.[1] : undefined;
  if (!fence) return markdown;
  const lines = last!.raw.trimEnd().split("\n");
  const closing = lines.at(-1)!.trim();
  const isClosed = lines.length > 1 && closing.startsWith(fence) && [...closing].every((char) => char === fence[0]);
  return isClosed ? markdown : `${markdown}\n${fence}`;
}

/** `buttonsAsMarkdown` as the plain text WeChat and ClawBot show. */
export const buttonsAsPlainText = (markdown: string, buttons: readonly Button[], locale: Locale = "en"): string => markdownToPlainText(buttonsAsMarkdown(markdown, buttons, locale));

/** A reply part as this platform can take it: buttons become a typed instruction where there are none. */
export function prepareForPlatform(part: ReplyPart, capabilities: Capabilities): ReplyPart {
  if (part.type === "buttons" && !capabilities.hasButtons) return { type: "markdown", text: buttonsAsMarkdown(part.text, part.buttons, part.locale) };
  return part;
}

/** The one place a reply part meets a platform: the fallbacks, then `adapter.send`. */
export function sendPrepared(adapter: Adapter, to: ConversationRef, part: ReplyPart, options?: SendOptions): Promise<SentMessage> {
  return adapter.send(to, prepareForPlatform(part, adapter.capabilities), options);
}
