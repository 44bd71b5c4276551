import { translate, type Locale } from "./i18n/catalogue.ts";
import { printable } from "./printable.ts";
import type { ApprovalRequest } from "./types/agent.ts";

/** An argument longer than this, or with more lines, is attached as a file rather than shown in the request. */
export const maxInlineChars = 1500;
export const maxInlineLines = 30;

/** A file that goes with the request: an argument too long to show, or file contents. */
export interface ApprovalAttachment {
  fileName: string;
  text: string;
}

export interface ApprovalPrompt {
  /** Markdown: what will run and every argument, before the instructions to decide. */
  body: string;
  attachments: ApprovalAttachment[];
}

const longestBacktickRun = (text: string) => Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));

/** A code block whose fence is longer than any backtick run inside, so the text cannot close it early. */
export function fenced(text: string): string {
  const fence = "`".repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `${fence}\n${text}\n${fence}`;
}

/** Inline code that the text cannot close (`` `` a`b `` ``). */
export function inlineCode(text: string): string {
  const ticks = "`".repeat(longestBacktickRun(text) + 1);
  return `${ticks} ${text} ${ticks}`;
}

const shownValue = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value, null, 2) ?? String(value));

const countLines = (text: string) => text.split("\n").length;
const isLong = (text: string) => text.length > maxInlineChars || countLines(text) > maxInlineLines;
const sizeOf = (text: string, locale: Locale) => translate(locale, "approvals.size", { chars: text.length.toLocaleString("en-US"), lines: countLines(text) });

/**
 * What the person who decides reads: the tool's own description of the call, then every argument in full. An argument
 * that is long, or that the tool marks as file contents, is attached as a file and named in the text; nothing is cut.
 */
export function approvalPrompt(id: string, request: ApprovalRequest, locale: Locale = "en"): ApprovalPrompt {
  const heading = translate(locale, "approvals.heading", { tool: printable(request.toolName) });
  const attachments: ApprovalAttachment[] = [];
  const attach = (name: string, text: string) => {
    const base = `approval-${id}-${name.replace(/[^A-Za-z0-9_-]+/g, "_").slice(0, 40) || "argument"}`;
    const isTaken = attachments.some((attachment) => attachment.fileName === `${base}.txt`);
    const fileName = isTaken ? `${base}-${attachments.length + 1}.txt` : `${base}.txt`;
    attachments.push({ fileName, text });
    return fileName;
  };
  const isSummaryShown = !isLong(request.summary);
  const lines = isSummaryShown
    ? [heading, fenced(request.summary)]
    : [heading, translate(locale, "approvals.callAttached", { size: sizeOf(request.summary, locale), file: attach("call", request.summary) })];
  const fileArguments = new Set(request.fileArguments ?? []);
  for (const [key, value] of Object.entries(request.arguments ?? {})) {
    const text = shownValue(value);
    const name = inlineCode(printable(key) || translate(locale, "approvals.unnamed"));
    if (fileArguments.has(key) || isLong(text)) {
      lines.push(translate(locale, "approvals.argumentAttached", { name, size: sizeOf(text, locale), file: attach(printable(key), text) }));
    } else if (isSummaryShown && typeof value === "string" && value.length > 0 && request.summary.includes(value)) {
      lines.push(translate(locale, "approvals.asShownAbove", { name }));
    } else {
      lines.push(`${name}:`, fenced(text));
    }
  }
  return { body: lines.join("\n"), attachments };
}
