import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey } from "../../core/i18n/catalogue.ts";
import type { PairingRequest } from "../../core/store/store.ts";
import { consoleScript } from "./client-script.ts";
import { timeTag } from "./format.ts";
import { html, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";
import { pairingRows } from "./overview-page.ts";

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** PINCER_DM_POLICY, PINCER_GROUP_POLICY, PINCER_ALLOW_FROM, PINCER_ADMINS, PINCER_ALLOW_GROUPS, as configured. */
export interface ConfiguredAccess {
  dmPolicy: string;
  groupPolicy: string;
  allowFrom: readonly string[];
  admins: readonly string[];
  allowGroups: readonly string[];
}

function pairedRows(paired: readonly PairingRequest[], t: T): RawHtml[] {
  if (paired.length === 0) return [html`<tr><td colspan="5">${t("console.access.nobodyPaired")}</td></tr>`];
  return paired.map((subject) => {
    const who = subject.chatId ? t("console.access.group", { chatId: subject.chatId }) : subject.userId;
    return html`<tr><td>${subject.platform}</td><td>${who}</td><td>${subject.chatId ? t("console.access.firstAsker", { name: subject.displayName }) : subject.displayName}</td><td>${subject.approvedAt === undefined ? "" : timeTag(subject.approvedAt)}</td>
<td><form method="post" action="/api/admin/pairing/revoke" data-api="/api/admin/pairing/revoke" data-confirm="${t("console.access.revokeConfirm", { who: `${subject.platform}:${subject.chatId ?? subject.userId}` })}"><input type="hidden" name="platform" value="${subject.platform}">${subject.chatId ? html`<input type="hidden" name="chatId" value="${subject.chatId}">` : html`<input type="hidden" name="userId" value="${subject.userId}">`}<button>${t("console.access.revoke")}</button></form></td></tr>`;
  });
}

const refList = (refs: readonly string[], t: T): RawHtml =>
  refs.length === 0 ? html`<span class="muted">${t("console.access.noneConfigured")}</span>` : html`${refs.map((ref) => html`<code>${ref}</code> `)}`;

/** `/admin/access`: who waits to pair (Approve), who paired (Revoke), and the allowlists and admins as configured. */
export function accessPage(options: { locale: Locale; user: string; pending: readonly PairingRequest[]; paired: readonly PairingRequest[]; configured: ConfiguredAccess }): HtmlPage {
  const t: T = (key, params) => translate(options.locale, key, params);
  const { configured } = options;
  const head = (last: MessageKey) =>
    html`<thead><tr><th>${t("console.access.channel")}</th><th>${t("console.access.who")}</th><th>${t("console.access.name")}</th>${last === "console.access.code" ? html`<th>${t("console.access.code")}</th><th>${t("console.access.expires")}</th>` : html`<th>${t(last)}</th>`}<th></th></tr></thead>`;
  const body = html`<h2>${t("console.access.pending")}</h2>
<table id="pending-table" data-live>${head("console.access.code")}<tbody id="pending">${pairingRows(options.pending, t)}</tbody></table>
<h2>${t("console.access.paired")}</h2>
<table id="paired-table" data-live>${head("console.access.approvedAt")}<tbody id="paired">${pairedRows(options.paired, t)}</tbody></table>
<h2>${t("console.access.configured")}</h2>
<p>${t("console.access.policy", { dm: configured.dmPolicy, group: configured.groupPolicy })}</p>
<table id="configured"><tbody>
<tr><th>${t("console.access.allowFrom")}</th><td>${refList(configured.allowFrom, t)}</td></tr>
<tr><th>${t("console.access.admins")}</th><td>${refList(configured.admins, t)}</td></tr>
<tr><th>${t("console.access.allowGroups")}</th><td>${refList(configured.allowGroups, t)}</td></tr>
</tbody></table>
<p class="muted">${t("console.access.owner")}</p>`;
  return consolePage({ locale: options.locale, section: "access", body, user: options.user, refreshMs: 10_000, scripts: [consoleScript] });
}
