import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey, type MessageParams } from "../../core/i18n/catalogue.ts";
import type { AuditEntry } from "../../core/store/audit-log.ts";
import { formatUtc } from "./report-format.ts";
import { html, raw, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";

/** The kinds the agents record (any other is shown as written). */
export const knownAuditKinds = ["run", "tool-call", "tool-decision", "tool-result", "job", "compaction"] as const;

/** The filters as the page's form and links carry them (the query's own names). */
export interface AuditPageFilters {
  limit?: string | undefined;
  runRef?: string | undefined;
  kind?: string | undefined;
  user?: string | undefined;
  chat?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
}

export interface AuditPageData {
  locale: Locale;
  filters: AuditPageFilters;
  entries: readonly AuditEntry[];
  /** The next (older) page's cursor, when there is one. */
  nextCursor: string | undefined;
  /** Whether this page is not the first (a "back to the newest" link). */
  isPaged: boolean;
  /** A filter the API refused, shown instead of entries. */
  error?: string;
}

const pageStyle = `
  form.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: end; margin-bottom: 1rem; }
  form.filters label { display: flex; flex-direction: column; font-size: .85rem; gap: .15rem; }
  td.detail { max-width: 30rem; overflow-wrap: anywhere; }
  td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
  .pager { display: flex; gap: 1rem; margin: 1rem 0; }
  .denied, .error-outcome { color: #c03020; }
`;

/** The filter form navigates (the console's pages allow no form submissions): only the fields filled in go into the URL. */
const script = `
const form = document.querySelector("form.filters");
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) if (String(value).trim() !== "") params.set(name, String(value).trim());
  window.location.assign("/admin/audit" + (params.size > 0 ? "?" + params.toString() : ""));
});
`;

const link = (params: Record<string, string | undefined>): string => {
  const query = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
  return query.size > 0 ? `?${query.toString()}` : "";
};

const trimmed = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function summary(entry: AuditEntry, t: (key: MessageKey, params?: MessageParams) => string): RawHtml {
  if (entry.type === "run") {
    const outcome = entry.outcome === undefined ? t("auditPage.running") : t("auditPage.outcome", { outcome: entry.outcome });
    return html`<span class="${entry.outcome === "error" ? "error-outcome" : ""}">${outcome}</span>${entry.detail ? html`<br>${trimmed(entry.detail, 300)}` : html``}`;
  }
  const detail = entry.detail;
  const text = (value: unknown) => (typeof value === "string" ? value : value === undefined ? "" : JSON.stringify(value));
  switch (entry.kind) {
    case "tool-call":
      return html`<code>${text(detail.tool)}</code> ${trimmed(text(detail.summary), 300)}`;
    case "tool-decision": {
      const who = text(detail.decidedBy) || "?";
      return detail.isApproved === true
        ? html`<code>${text(detail.tool)}</code> ${t("auditPage.approved", { who })}`
        : html`<code>${text(detail.tool)}</code> <span class="denied">${t("auditPage.denied", { who })}</span>`;
    }
    case "tool-result":
      return html`<code>${text(detail.tool)}</code> ${trimmed(text(detail.error ?? detail.preview ?? ""), 300)}`;
    case "job":
      return html`<code>${text(detail.job)}</code> ${text(detail.outcome)}${detail.detail ? html`: ${trimmed(text(detail.detail), 300)}` : html``}`;
    default:
      return html`${trimmed(JSON.stringify(detail), 300)}`;
  }
}

function entryRow(entry: AuditEntry, data: AuditPageData): RawHtml {
  const t = (key: MessageKey, params?: MessageParams) => translate(data.locale, key, params);
  const kind = (knownAuditKinds as readonly string[]).includes(entry.kind) ? t(`auditPage.kind.${entry.kind as (typeof knownAuditKinds)[number]}`) : entry.kind;
  const full = entry.type === "event" ? JSON.stringify(entry.detail, null, 2) : (entry.detail ?? "");
  const withFilter = (name: keyof AuditPageFilters, value: string) => link({ ...data.filters, [name]: value });
  return html`<tr>
<td class="time">${formatUtc(entry.at, true)}</td>
<td>${kind}</td>
<td><a href="${withFilter("runRef", entry.runRef)}"><code>${trimmed(entry.runRef, 13)}</code></a></td>
<td>${entry.conversationKey ? html`<a href="${withFilter("chat", entry.conversationKey)}">${entry.conversationKey}</a>` : html``}</td>
<td>${entry.senderId ? html`<a href="${withFilter("user", entry.senderId)}">${entry.senderId}</a>` : html``}</td>
<td>${entry.agentId}</td>
<td class="detail">${summary(entry, t)}${full.length > 0 ? html`<details><summary>JSON</summary><pre>${trimmed(full, 4000)}</pre></details>` : html``}</td>
</tr>`;
}

function filterForm(data: AuditPageData): RawHtml {
  const t = (key: MessageKey) => translate(data.locale, key);
  const { filters } = data;
  const field = (name: "runRef" | "user" | "chat", label: MessageKey) => html`<label>${t(label)}<input name="${name}" value="${filters[name] ?? ""}" size="16"></label>`;
  const time = (name: "since" | "until", label: MessageKey) => html`<label>${t(label)}<input name="${name}" type="datetime-local" value="${filters[name] ?? ""}"></label>`;
  const kinds = [...knownAuditKinds, ...(filters.kind && !(knownAuditKinds as readonly string[]).includes(filters.kind) ? [filters.kind] : [])];
  const options = kinds.map(
    (kind) => html`<option value="${kind}"${raw(kind === filters.kind ? " selected" : "")}>${(knownAuditKinds as readonly string[]).includes(kind) ? t(`auditPage.kind.${kind as (typeof knownAuditKinds)[number]}`) : kind}</option>`,
  );
  return html`<form class="filters" role="search">
${field("runRef", "auditPage.filter.run")}
<label>${t("auditPage.filter.kind")}<select name="kind"><option value="">${t("auditPage.filter.anyKind")}</option>${options}</select></label>
${field("user", "auditPage.filter.user")}
${field("chat", "auditPage.filter.chat")}
${time("since", "auditPage.filter.since")}
${time("until", "auditPage.filter.until")}
<button>${t("auditPage.filter.apply")}</button> <a href="/admin/audit">${t("auditPage.filter.clear")}</a>
</form>`;
}

/** The Audit log page: filters, the entries newest first, a link to older ones, and the exports. */
export function auditPage(data: AuditPageData): HtmlPage {
  const t = (key: MessageKey, params?: MessageParams) => translate(data.locale, key, params);
  const filterQuery = link({ ...data.filters });
  const columns = (["time", "kind", "run", "chat", "user", "agent", "detail"] as const).map((column) => html`<th>${t(`auditPage.col.${column}`)}</th>`);
  const list = data.error
    ? html`<p class="error" role="alert">${t("auditPage.badFilter", { error: data.error })}</p>`
    : data.entries.length === 0
      ? html`<p class="muted">${t("auditPage.none")}</p>`
      : html`<table><thead><tr>${columns}</tr></thead><tbody>${data.entries.map((entry) => entryRow(entry, data))}</tbody></table>`;
  const pager = html`<div class="pager">
${data.isPaged ? html`<a href="/admin/audit${filterQuery}">${t("auditPage.newest")}</a>` : html``}
${data.nextCursor ? html`<a rel="next" href="${link({ ...data.filters, cursor: data.nextCursor })}">${t("auditPage.older")}</a>` : html``}
<a href="/api/admin/audit.csv${filterQuery}" download>${t("auditPage.exportCsv")}</a>
<a href="/api/admin/audit.jsonl${filterQuery}" download>${t("auditPage.exportJsonl")}</a>
</div>`;
  const body = html`<style>${raw(pageStyle)}</style>${filterForm(data)}${list}${pager}`;
  return consolePage({ locale: data.locale, section: "audit", body, scripts: [script] });
}
