import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../../core/i18n/catalogue.ts";
import type { BudgetConfig } from "../../core/config-types.ts";
import { barChart } from "./bar-chart.ts";
import { formatCount, formatShare, formatUsd } from "./report-format.ts";
import { html, raw, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";
import type { Breakdown, DailyUsage } from "./usage-data.ts";

/** The windows the breakdowns can cover. */
export const usageWindows = ["today", "7d", "30d"] as const;
export type UsageWindow = (typeof usageWindows)[number];

export interface UsagePageData {
  locale: Locale;
  days: readonly DailyUsage[];
  window: UsageWindow;
  /** Per user, per chat, per model. */
  breakdowns: readonly Breakdown[];
  budget: Pick<BudgetConfig, "dailyTokensPerUser" | "dailyTokensPerChat" | "dailyUsdPerUser" | "dailyUsdPerChat">;
}

const pageStyle = `
  .chart { width: 100%; max-width: 48rem; height: auto; display: block; margin: .5rem 0 1rem; }
  .tabs { display: flex; gap: .5rem; margin: 1rem 0 .5rem; }
  .tabs a { padding: .2rem .6rem; border-radius: .4rem; border: 1px solid var(--line); color: inherit; text-decoration: none; }
  .tabs a[aria-current="page"] { background: var(--soft); font-weight: 600; }
  meter { width: 6rem; vertical-align: middle; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .over { color: #c03020; font-weight: 600; }
`;

/** The Usage page: 30 days as bars, then each user, chat and model against the daily caps. */
export function usagePage(data: UsagePageData): HtmlPage {
  const { locale } = data;
  const t = (key: MessageKey, params?: MessageParams) => translate(locale, key, params);
  const sum = data.days.reduce((total, day) => ({ tokens: total.tokens + day.tokens, cost: total.cost + day.costUsd, calls: total.calls + day.calls }), { tokens: 0, cost: 0, calls: 0 });
  const max = Math.max(0, ...data.days.map((day) => day.tokens));
  const chart = barChart(
    data.days.map((day) => ({
      label: day.day.slice(5),
      value: day.tokens,
      title: t("usagePage.barTitle", { day: day.day, tokens: formatCount(locale, day.tokens), cost: formatUsd(locale, day.costUsd), calls: formatCount(locale, day.calls) }),
    })),
    { label: t("usagePage.chartLabel", { days: data.days.length }), maxLabel: t("usagePage.max", { tokens: formatCount(locale, max) }) },
  );
  const capPair = (tokens: number, usd: number) =>
    tokens <= 0 && usd <= 0
      ? t("usagePage.noCap")
      : t("usagePage.capPair", { tokens: tokens > 0 ? formatCount(locale, tokens) : t("usagePage.noCap"), usd: usd > 0 ? formatUsd(locale, usd) : t("usagePage.noCap") });
  const tabs = html`<div class="tabs">${usageWindows.map(
    (window) => html`<a href="?window=${window}&amp;lang=${locale}"${raw(window === data.window ? ' aria-current="page"' : "")}>${t(`usagePage.window.${window}`)}</a>`,
  )}</div>`;
  const body = html`<style>${raw(pageStyle)}</style>
<section>
<h2>${t("usagePage.chartTitle", { days: data.days.length })}</h2>
${chart}
<p>${t("usagePage.total", { days: data.days.length, tokens: formatCount(locale, sum.tokens), cost: formatUsd(locale, sum.cost), calls: formatCount(locale, sum.calls) })} <a href="/api/admin/usage.csv?days=30" download>${t("usagePage.export")}</a></p>
<details><summary>${t("usagePage.dailyTable")}</summary>${dailyTable(data.days, locale)}</details>
</section>
<section>
<p>${t("usagePage.caps", { user: capPair(data.budget.dailyTokensPerUser, data.budget.dailyUsdPerUser), chat: capPair(data.budget.dailyTokensPerChat, data.budget.dailyUsdPerChat) })}</p>
${tabs}
${data.window === "today" ? html`` : html`<p class="muted">${t("usagePage.capsToday")}</p>`}
${data.breakdowns.map((breakdown) => breakdownTable(breakdown, locale))}
</section>`;
  return consolePage({ locale, section: "usage", body });
}

function dailyTable(days: readonly DailyUsage[], locale: Locale): RawHtml {
  const t = (key: MessageKey) => translate(locale, key);
  const rows = [...days].reverse().map(
    (day) => html`<tr><td>${day.day}</td><td class="num">${formatCount(locale, day.calls)}</td><td class="num">${formatCount(locale, day.inputTokens)}</td><td class="num">${formatCount(locale, day.outputTokens)}</td><td class="num">${formatUsd(locale, day.costUsd)}</td></tr>`,
  );
  return html`<table><thead><tr><th>${t("usagePage.col.day")}</th><th class="num">${t("usagePage.col.calls")}</th><th class="num">${t("usagePage.col.input")}</th><th class="num">${t("usagePage.col.output")}</th><th class="num">${t("usagePage.col.cost")}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

const headings = { user: ["usagePage.byUser", "usagePage.col.user"], chat: ["usagePage.byChat", "usagePage.col.chat"], model: ["usagePage.byModel", "usagePage.col.model"] } as const;

function capCell(share: number | null, locale: Locale): RawHtml {
  if (share === null) return html`<td class="num muted">–</td>`;
  return html`<td class="num${raw(share >= 1 ? " over" : "")}"><meter min="0" max="1" low="0.7" high="0.9" optimum="0" value="${Math.min(1, share)}"></meter> ${formatShare(locale, share)}</td>`;
}

function breakdownTable(breakdown: Breakdown, locale: Locale): RawHtml {
  const t = (key: MessageKey) => translate(locale, key);
  const [title, keyColumn] = headings[breakdown.by];
  const hasCaps = breakdown.caps.tokensPerDay !== null || breakdown.caps.usdPerDay !== null;
  const rows = breakdown.rows.map(
    (row) =>
      html`<tr><td>${row.key}</td><td class="num">${formatCount(locale, row.calls)}</td><td class="num">${formatCount(locale, row.inputTokens)}</td><td class="num">${formatCount(locale, row.outputTokens)}</td><td class="num">${formatUsd(locale, row.costUsd)}</td>${hasCaps ? [capCell(row.tokensCapShare, locale), capCell(row.usdCapShare, locale)] : []}</tr>`,
  );
  const capHeads = hasCaps ? html`<th class="num">${t("usagePage.col.tokenCap")}</th><th class="num">${t("usagePage.col.usdCap")}</th>` : html``;
  const note = breakdown.by === "model" ? html`<p class="muted">${t("usagePage.modelsUncapped")}</p>` : html``;
  const table =
    rows.length === 0
      ? html`<p class="muted">${t("usagePage.none")}</p>`
      : html`<table data-by="${breakdown.by}"><thead><tr><th>${t(keyColumn)}</th><th class="num">${t("usagePage.col.calls")}</th><th class="num">${t("usagePage.col.input")}</th><th class="num">${t("usagePage.col.output")}</th><th class="num">${t("usagePage.col.cost")}</th>${capHeads}</tr></thead><tbody>${rows}</tbody></table>`;
  return html`<h2>${t(title)}</h2>${table}${note}`;
}
