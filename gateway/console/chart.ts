import type { ActivityBucket } from "../../core/store/store.ts";
import { html, raw, type RawHtml } from "./html.ts";

export type ActivitySeries = "inbound" | "outbound" | "runs" | "errors";
export const activitySeries: readonly ActivitySeries[] = ["inbound", "outbound", "runs", "errors"];
const colors: Record<ActivitySeries, string> = { inbound: "#2f6fde", outbound: "#2a9d5c", runs: "#d08a1e", errors: "#c03020" };

const width = 720;
const height = 160;
const left = 36;
const bottom = 20;
const top = 8;

export interface ChartText {
  /** The chart's accessible name (what it shows, from when to when). */
  label: string;
  /** Each series' name in the legend. */
  names: Record<ActivitySeries, string>;
  /** Each series' peak, as shown after its name ("peak 3/min"). */
  peak: (count: number) => string;
  /** The first and last bucket's time, as the x axis shows them. */
  from: string;
  to: string;
}

/**
 * The activity chart, drawn here as SVG: one polyline per series over fixed axes. No charting library: four lines, a
 * legend and two axis labels are a few dozen lines, need no script (so no CSP exception), and print as they show.
 */
export function activityChart(buckets: readonly ActivityBucket[], text: ChartText): RawHtml {
  const peak = Math.max(1, ...buckets.flatMap((bucket) => activitySeries.map((series) => bucket[series])));
  const plotWidth = width - left - 4;
  const plotHeight = height - top - bottom;
  const x = (index: number) => left + (buckets.length <= 1 ? 0 : (index / (buckets.length - 1)) * plotWidth);
  const y = (count: number) => top + plotHeight - (count / peak) * plotHeight;
  const lines = activitySeries.map((series) => {
    const points = buckets.map((bucket, index) => `${x(index).toFixed(1)},${y(bucket[series]).toFixed(1)}`).join(" ");
    return html`<polyline data-series="${series}" fill="none" stroke="${colors[series]}" stroke-width="1.5" points="${points}"/>`;
  });
  const legend = activitySeries.map((series) => {
    const seriesPeak = Math.max(0, ...buckets.map((bucket) => bucket[series]));
    return html`<li><svg class="swatch" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="${colors[series]}"/></svg>${text.names[series]} <span class="muted">${text.peak(seriesPeak)}</span></li>`;
  });
  return html`<figure class="chart">
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${text.label}">
<line x1="${left}" y1="${top + plotHeight}" x2="${width - 4}" y2="${top + plotHeight}" stroke="currentColor" stroke-opacity=".3"/>
<line x1="${left}" y1="${top}" x2="${width - 4}" y2="${top}" stroke="currentColor" stroke-opacity=".1"/>
<text x="${left - 4}" y="${top + 8}" text-anchor="end" font-size="10" fill="currentColor">${peak}</text>
<text x="${left - 4}" y="${top + plotHeight}" text-anchor="end" font-size="10" fill="currentColor">0</text>
<text x="${left}" y="${height - 4}" font-size="10" fill="currentColor">${text.from}</text>
<text x="${width - 4}" y="${height - 4}" text-anchor="end" font-size="10" fill="currentColor">${text.to}</text>
${lines}
</svg>
<figcaption><ul class="legend">${legend}</ul></figcaption>
</figure>`;
}

export { raw };
