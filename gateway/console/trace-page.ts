import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale } from "../../core/i18n/catalogue.ts";
import type { Trace } from "../../core/trace-read.ts";
import { formatDuration, formatOffset, traceRows } from "../trace-describe.ts";
import { html, raw } from "./html.ts";
import { consolePage } from "./layout.ts";

const style = `
  .waterfall td.bar { width: 40%; min-width: 12rem; }
  .track { position: relative; height: .9rem; background: var(--soft); border-radius: .2rem; }
  .track span { position: absolute; top: 0; bottom: 0; min-width: 2px; border-radius: .2rem; background: var(--accent); }
  .track span.error { background: #c03020; }
  .waterfall td.step { white-space: nowrap; font-weight: 600; }
  .waterfall tr.child td.step { padding-left: 1.5rem; font-weight: 400; }
  .waterfall td.duration { white-space: nowrap; text-align: right; font-variant-numeric: tabular-nums; }
`;

/** Where a bar sits on the track, in percent of the trace's whole time (at least a sliver, so an instant shows). */
function barStyle(offsetMs: number, durationMs: number, totalMs: number): string {
  const left = totalMs > 0 ? (offsetMs / totalMs) * 100 : 0;
  const width = totalMs > 0 ? (durationMs / totalMs) * 100 : 100;
  return `left:${left.toFixed(2)}%;width:${Math.max(width, 0.3).toFixed(2)}%`;
}

/** `/admin/trace/:channel/:messageId`: the message's steps as a waterfall of bars, drawn by the server. */
export function tracePage(trace: Trace, options: { locale: Locale; channel: string; messageId: string }): HtmlPage {
  const { locale } = options;
  const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(locale, key, params);
  const title = t("trace.title", { channel: options.channel, messageId: options.messageId });
  if (trace.spans.length === 0) {
    return consolePage({ locale, section: "conversations", title, body: html`<p class="muted">${t("trace.empty")}</p>` });
  }
  const totalMs = trace.endedAt - trace.startedAt;
  const rows = traceRows(trace, locale).map(
    (row) => html`<tr class="${row.name === "message" ? "root" : "child"}">
<td class="step">${row.label}</td>
<td class="${row.isError ? "error" : ""}">${row.detail}</td>
<td class="bar"><div class="track" title="${formatOffset(row.offsetMs)}"><span class="${row.isError ? "error" : ""}" style="${barStyle(row.offsetMs, row.durationMs, totalMs)}"></span></div></td>
<td class="duration">${formatDuration(row.durationMs)}</td>
</tr>`,
  );
  const body = html`<style>${raw(style)}</style>
<p>${t("trace.total", { duration: formatDuration(totalMs), count: trace.spans.length })} <span class="muted">${new Date(trace.startedAt).toISOString()}</span></p>
<table class="waterfall">
<thead><tr><th>${t("trace.column.step")}</th><th>${t("trace.column.detail")}</th><th>${t("trace.column.timeline")}</th><th>${t("trace.column.duration")}</th></tr></thead>
<tbody>${rows}</tbody>
</table>`;
  return consolePage({ locale, section: "conversations", title, body });
}
