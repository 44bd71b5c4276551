import { catalogueKeys, translate, type Locale, type MessageKey, type MessageParams } from "../core/i18n/catalogue.ts";
import type { Trace } from "../core/trace-read.ts";
import type { TraceSpan } from "../core/trace.ts";

/** One line of a trace as people read it: the step, what happened, when (from the message's receipt) and how long. */
export interface TraceRow {
  name: TraceSpan["name"];
  label: string;
  detail: string;
  offsetMs: number;
  durationMs: number;
  isError: boolean;
}

export function formatDuration(ms: number): string {
  if (ms < 1) return "<1 ms";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** The catalogue's keys (static data: the English file defines them all). */
const knownKeys: ReadonlySet<string> = new Set(catalogueKeys("en"));
const isMessageKey = (key: string): key is MessageKey => knownKeys.has(key);

/** Where a step starts, from the message's receipt (the clock counts whole milliseconds). */
export const formatOffset = (ms: number): string => (ms <= 0 ? "+0 ms" : `+${formatDuration(ms)}`);

/** A translated word for a value the store holds, or the value itself when the catalogue has no such word. */
function word(locale: Locale, prefix: string, value: unknown): string {
  const key = `${prefix}.${String(value)}`;
  return isMessageKey(key) ? translate(locale, key) : String(value ?? "");
}

function detailOf(span: TraceSpan, locale: Locale): string {
  const a = span.attributes;
  const t = (key: MessageKey, params: MessageParams = {}) => translate(locale, key, params);
  const text = (value: unknown) => String(value ?? "");
  switch (span.name) {
    case "message":
      return t("trace.message", { chat: word(locale, "trace.chat", a.chat), chatId: text(a.chatId), sender: text(a.sender || a.senderId), outcome: word(locale, "trace.outcome", a.outcome) });
    case "store":
      return t(a.isDuplicate === true ? "trace.store.duplicate" : "trace.store.new");
    case "policy": {
      const reason = word(locale, "trace.reason", a.reason);
      if (a.decision === "admit") return t("trace.policy.admit", { role: word(locale, "trace.role", a.role) }) + (a.reason ? ` (${reason})` : "");
      if (a.decision === "pair") return t(a.isCodeSent === true ? "trace.policy.pair" : "trace.policy.pairQuiet", { reason });
      return t("trace.policy.drop", { reason });
    }
    case "parse":
      if (a.command === "control") return t("trace.parse.control", { name: text(a.name) });
      if (a.command === "job") return t("trace.parse.job", { name: text(a.name) });
      return t(a.command === "approval" ? "trace.parse.approval" : "trace.parse.prompt");
    case "answer":
      return t("trace.answer");
    case "queue":
      return t("trace.queue");
    case "turn":
      return t("trace.turn", { run: text(a.run), outcome: word(locale, "trace.turnOutcome", a.outcome), messages: text(a.messages) }) + (a.error ? ` (${text(a.error)})` : "");
    case "route":
      return t("trace.route", { agent: text(a.agent), model: a.model ? text(a.model) : t("trace.defaultModel"), tools: text(a.tools) });
    case "enrich":
      return t("trace.enrich", { transcripts: text(a.transcripts), ocr: text(a.ocr), pictures: text(a.pictures) }) + (a.notice ? ` (${text(a.notice)})` : "");
    case "session":
      return t("trace.session", { session: text(a.session).slice(0, 8), history: text(a.history) });
    case "agent":
      return t("trace.agent", { agent: text(a.agent), model: a.model ? text(a.model) : t("trace.defaultModel") }) + (a.error ? ` ${t("trace.error", { error: text(a.error) })}` : "");
    case "model":
      return t("trace.model", { model: text(a.model), input: text(a.inputTokens), output: text(a.outputTokens), cached: text(a.cachedTokens) });
    case "approval": {
      const key = a.isApproved === true ? "trace.approval.approved" : a.isApproved === false ? "trace.approval.denied" : "trace.approval.pending";
      return t(key, { tool: text(a.tool), by: text(a.decidedBy) });
    }
    case "tool":
      return t("trace.tool", { tool: text(a.tool), summary: text(a.summary) });
    case "send": {
      const key = `trace.send.${text(a.outcome)}`;
      return isMessageKey(key) ? t(key, { part: text(a.part), type: text(a.type), error: text(a.error) }) : text(a.outcome);
    }
    case "speak":
      return t("trace.speak", { tts: text(a.tts) }) + (a.error ? ` ${t("trace.error", { error: text(a.error) })}` : "");
    default:
      return "";
  }
}

/** The trace as rows, offsets from its first span. */
export function traceRows(trace: Trace, locale: Locale): TraceRow[] {
  return trace.spans.map((span) => ({
    name: span.name,
    label: translate(locale, `trace.span.${span.name}`),
    detail: detailOf(span, locale),
    offsetMs: span.startedAt - trace.startedAt,
    durationMs: span.endedAt - span.startedAt,
    isError: span.status === "error",
  }));
}
