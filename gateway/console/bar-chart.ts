import { html, type RawHtml } from "./html.ts";

export interface Bar {
  /** Under the bar (first, middle and last are shown). */
  label: string;
  value: number;
  /** The bar's tooltip. */
  title: string;
}

const width = 720;
const height = 220;
const top = 16;
const bottom = 28;
const left = 8;

/**
 * A bar chart drawn on the server as inline SVG: one `<rect class="bar">` per bar with its tooltip, the largest
 * value on top. No charting library: thirty bars are a few lines of SVG, need no script, and stay within the
 * console's Content-Security-Policy.
 */
export function barChart(bars: readonly Bar[], options: { label: string; maxLabel: string }): RawHtml {
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const plotHeight = height - top - bottom;
  const slot = (width - left * 2) / Math.max(1, bars.length);
  const barWidth = Math.max(1, slot * 0.75);
  const shown = new Set([0, Math.floor((bars.length - 1) / 2), bars.length - 1]);
  const rects = bars.map((bar, index) => {
    const barHeight = max > 0 ? (bar.value / max) * plotHeight : 0;
    const x = left + index * slot + (slot - barWidth) / 2;
    const y = top + plotHeight - barHeight;
    return html`<rect class="bar" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${barHeight.toFixed(1)}"><title>${bar.title}</title></rect>`;
  });
  const labels = bars
    .map((bar, index) => ({ bar, index }))
    .filter(({ index }) => shown.has(index))
    .map(({ bar, index }) => html`<text x="${(left + index * slot + slot / 2).toFixed(1)}" y="${height - 8}" text-anchor="middle">${bar.label}</text>`);
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${options.label}" xmlns="http://www.w3.org/2000/svg">
<style>.bar { fill: var(--accent, #2f6fde); } .bar:hover { opacity: .7; } text { font: 11px system-ui, sans-serif; fill: currentColor; } line { stroke: #8886; }</style>
<line x1="${left}" x2="${width - left}" y1="${top + plotHeight}" y2="${top + plotHeight}"/>
<line x1="${left}" x2="${width - left}" y1="${top}" y2="${top}" stroke-dasharray="4 4"/>
<text x="${left}" y="${top - 4}">${options.maxLabel}</text>
${rects}${labels}
</svg>`;
}
