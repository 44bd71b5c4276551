import type { Locale } from "../core/i18n/catalogue.ts";
import { translate } from "../core/i18n/catalogue.ts";
import { printable } from "../core/printable.ts";
import { inboxKey, type TraceStore } from "../core/store/store.ts";
import { readTrace, type Trace } from "../core/trace-read.ts";
import { formatDuration, formatOffset, traceRows } from "./trace-describe.ts";

const barWidth = 24;

/** A text waterfall: where the step sits in the trace's time, as a bar of `barWidth` cells. */
function bar(offsetMs: number, durationMs: number, totalMs: number): string {
  const start = totalMs > 0 ? Math.min(barWidth - 1, Math.floor((offsetMs / totalMs) * barWidth)) : 0;
  const length = totalMs > 0 ? Math.max(1, Math.round((durationMs / totalMs) * barWidth)) : barWidth;
  const cells = Math.min(length, barWidth - start);
  return `|${" ".repeat(start)}${"=".repeat(cells)}${" ".repeat(barWidth - start - cells)}|`;
}

/** The trace as lines for a terminal; every stored value goes through `printable` (it came from a chat). */
export function formatTrace(trace: Trace, title: { channel: string; messageId: string }, locale: Locale = "en"): string[] {
  const heading = printable(translate(locale, "trace.title", { channel: title.channel, messageId: title.messageId }));
  if (trace.spans.length === 0) return [heading, translate(locale, "trace.empty")];
  const totalMs = trace.endedAt - trace.startedAt;
  const rows = traceRows(trace, locale);
  const labelWidth = Math.max(...rows.map((row) => row.label.length));
  return [
    heading,
    `${translate(locale, "trace.total", { duration: formatDuration(totalMs), count: trace.spans.length })} ${new Date(trace.startedAt).toISOString()}`,
    ...rows.map((row) =>
      [
        formatOffset(row.offsetMs).padStart(10),
        formatDuration(row.durationMs).padStart(9),
        bar(row.offsetMs, row.durationMs, totalMs),
        `${row.isError ? "!" : " "}${row.label.padEnd(labelWidth)}`,
        printable(row.detail),
      ].join("  "),
    ),
  ];
}

/** `pincer trace <channel> <messageId>`: the message's path, read from the store (the gateway need not run). */
export async function traceCommand(traces: TraceStore, args: readonly string[], out: (line: string) => void): Promise<number> {
  const [channel, messageId] = args;
  if (!channel || !messageId || args.length > 2) {
    out("Usage: pincer trace <channel> <messageId>");
    return 2;
  }
  const trace = await readTrace(traces, inboxKey(channel, messageId));
  for (const line of formatTrace(trace, { channel, messageId })) out(line);
  return trace.spans.length > 0 ? 0 : 1;
}
