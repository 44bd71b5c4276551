import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey } from "../../core/i18n/catalogue.ts";
import type { ApprovalRecord } from "../../core/store/store.ts";
import { conversationKey } from "../../core/types/conversation.ts";
import { consoleScript } from "./client-script.ts";
import { timeTag } from "./format.ts";
import { html, raw, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** What the tool will do, shortened for the list; the whole text is one click away. */
function summaryCell(summary: string): RawHtml {
  if (summary.length <= 240) return html`<td><pre>${summary}</pre></td>`;
  return html`<td><details><summary><code>${summary.slice(0, 200)}…</code></summary><pre>${summary}</pre></details></td>`;
}

function row(record: ApprovalRecord, at: number, t: T): RawHtml {
  const isOpen = record.status === "pending" && record.expiresAt > at;
  const actions = isOpen
    ? html`<form method="post" action="/api/admin/approvals/${encodeURIComponent(record.id)}" data-api="/api/admin/approvals/${encodeURIComponent(record.id)}"><button name="approve" value="true">${t("console.approvals.approve")}</button> <button name="approve" value="false">${t("console.approvals.deny")}</button></form>`
    : raw("");
  const status = record.status === "pending" && !isOpen ? "expired" : record.status;
  return html`<tr id="approval-${record.id}"><td><code>${record.id}</code></td><td><code>${conversationKey(record.conversation)}</code></td><td>${record.requesterRef}</td><td><code>${record.tool}</code></td>${summaryCell(record.summary)}<td>${timeTag(record.createdAt)}</td><td>${timeTag(record.expiresAt)}</td><td>${t(`console.approvals.status.${status}`)}</td><td>${record.decidedBy ?? ""}</td><td>${actions}</td></tr>`;
}

/** `/admin/approvals`: the requests of every chat, pending first by default, with Approve and Deny. */
export function approvalsPage(options: { locale: Locale; user: string; records: readonly ApprovalRecord[]; isPendingOnly: boolean; at: number }): HtmlPage {
  const t: T = (key, params) => translate(options.locale, key, params);
  const tab = (isPending: boolean, label: string) =>
    html`<a href="/admin/approvals${isPending ? "" : "?status=all"}"${raw(isPending === options.isPendingOnly ? ' aria-current="page"' : "")}>${label}</a>`;
  const empty = html`<tr><td colspan="10">${options.isPendingOnly ? t("console.approvals.none") : t("console.approvals.noneAtAll")}</td></tr>`;
  const body = html`<nav class="tabs">${tab(true, t("console.approvals.pending"))} ${tab(false, t("console.approvals.all"))}</nav>
<table id="approvals-table" data-live><thead><tr><th>${t("console.approvals.id")}</th><th>${t("console.approvals.chat")}</th><th>${t("console.approvals.requester")}</th><th>${t("console.approvals.tool")}</th><th>${t("console.approvals.summary")}</th><th>${t("console.approvals.requested")}</th><th>${t("console.approvals.expires")}</th><th>${t("console.approvals.status")}</th><th>${t("console.approvals.decidedBy")}</th><th></th></tr></thead>
<tbody id="approvals">${options.records.length === 0 ? empty : options.records.map((record) => row(record, options.at, t))}</tbody></table>`;
  return consolePage({ locale: options.locale, section: "approvals", body, user: options.user, refreshMs: 5000, scripts: [consoleScript] });
}
