import type { HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey } from "../../core/i18n/catalogue.ts";
import type { PairingRequest } from "../../core/store/store.ts";
import { activityChart } from "./chart.ts";
import { consoleScript } from "./client-script.ts";
import { formatCount, formatDuration, formatUsd, timeTag, utcText } from "./format.ts";
import { html, raw, type RawHtml } from "./html.ts";
import { consolePage } from "./layout.ts";
import type { ChannelOverview, Overview } from "./overview-data.ts";

/** A platform the owner logs in from the overview (its descriptor's `login.kind` is `admin`: ClawBot). */
export interface LoginSection {
  platform: string;
  displayName: string;
}

/** A channel that took nothing in for this long is shown as quiet. */
export const quietAfterMs = 60 * 60 * 1000;

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Its heading, button, QR code, code form and progress lines; the ids carry the platform's name. */
export const loginSection = ({ platform, displayName }: LoginSection, t: T): RawHtml => html`<h3>${displayName}</h3>
<p><button id="${platform}-login" data-login="${platform}">${t("console.overview.qrLogin")}</button> <span id="${platform}-state"></span></p>
<div id="${platform}-qr" class="qr"></div>
<form id="${platform}-code" data-login="${platform}" hidden><input name="code" placeholder="${t("console.overview.qrCodePlaceholder")}" autocomplete="off"> <button>${t("console.overview.send")}</button></form>
<pre id="${platform}-messages" hidden></pre>`;

/** The QR logins' script: start a login, show its QR code and progress, send the code WeChat asks for. */
const loginScript = `
const api = async (path, body) => {
  const response = await fetch(path, body ? { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) } : {});
  if (!response.ok) throw new Error(path + ": " + (await response.text()));
  return response.json();
};
const show = (error) => { document.getElementById("console-error").textContent = error.message; };
function showLogin(platform, status) {
  document.getElementById(platform + "-state").textContent = status.state === "idle" ? "" : status.state + (status.error ? ": " + status.error : "");
  document.getElementById(platform + "-qr").innerHTML = status.state === "waiting-for-scan" && status.qrSvg ? status.qrSvg : "";
  document.getElementById(platform + "-code").hidden = status.state !== "waiting-for-code";
  const messages = document.getElementById(platform + "-messages");
  messages.hidden = status.messages.length === 0;
  messages.textContent = status.messages.join("\\n");
}
const failed = (error) => (show(error), { state: "failed", messages: [] });
for (const button of document.querySelectorAll("button[data-login]")) {
  const platform = button.dataset.login;
  button.addEventListener("click", async () => showLogin(platform, await api("/api/admin/" + platform + "/login", {}).catch(failed)));
}
for (const form of document.querySelectorAll("form[data-login]")) {
  const platform = form.dataset.login;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const code = new FormData(event.target).get("code");
    showLogin(platform, await api("/api/admin/" + platform + "/login/code", { code }).catch(failed));
  });
}
if (document.querySelector("button[data-login]")) {
  setInterval(async () => {
    for (const button of document.querySelectorAll("button[data-login]")) {
      const platform = button.dataset.login;
      const status = await api("/api/admin/" + platform + "/login").catch(() => undefined);
      if (status && status.state !== "idle") showLogin(platform, status);
    }
  }, 2000);
}
`;

function lastEventCell(channel: ChannelOverview, at: number, t: T, locale: Locale): RawHtml {
  if (channel.lastEventAt === undefined) return html`<td class="muted">${t("console.overview.noEvent")}</td>`;
  const sinceMs = at - channel.lastEventAt;
  const isQuiet = sinceMs >= quietAfterMs;
  const words = isQuiet ? t("console.overview.quiet", { duration: formatDuration(sinceMs, locale) }) : t("console.overview.ago", { duration: formatDuration(sinceMs, locale) });
  return html`<td${raw(isQuiet ? ' class="quiet"' : "")}>${timeTag(channel.lastEventAt)} <span class="muted">(${words})</span></td>`;
}

function channelRows(overview: Overview, t: T, locale: Locale): RawHtml[] {
  return overview.channels.map(
    (channel) =>
      html`<tr><td>${channel.platform ? `${channel.id} (${channel.platform})` : channel.id}</td><td class="state-${channel.state}">${t(`console.state.${channel.state}`)}</td>${lastEventCell(channel, overview.at, t, locale)}<td>${channel.detail ?? ""}</td></tr>`,
  );
}

/** The codes waiting to pair, each with Approve (shared with the access page). */
export function pairingRows(pending: readonly PairingRequest[], t: T): RawHtml[] {
  if (pending.length === 0) return [html`<tr><td colspan="6">${t("console.access.nobodyWaiting")}</td></tr>`];
  return pending.map(
    (request) => html`<tr><td>${request.platform}</td><td>${request.chatId ? t("console.access.group", { chatId: request.chatId }) : request.userId}</td><td>${request.chatId ? t("console.access.firstAsker", { name: request.displayName }) : request.displayName}</td><td><code>${request.code}</code></td><td>${timeTag(request.expiresAt)}</td>
<td><form method="post" action="/api/admin/pairing/approve" data-api="/api/admin/pairing/approve"><input type="hidden" name="platform" value="${request.platform}"><input type="hidden" name="code" value="${request.code}"><button>${t("console.access.approve")}</button></form></td></tr>`,
  );
}

function capRow(label: string, leader: { ref: string; tokens: number; costUsd: number } | undefined, tokenCap: number, usdCap: number, t: T, locale: Locale): RawHtml {
  if (!leader) return html`<tr><th>${label}</th><td colspan="2" class="muted">${t("console.overview.nobody")}</td></tr>`;
  const tokens = tokenCap > 0 ? t("console.overview.against", { used: formatCount(leader.tokens, locale), cap: formatCount(tokenCap, locale) }) : `${formatCount(leader.tokens, locale)} (${t("console.overview.noCap")})`;
  const cost = usdCap > 0 ? t("console.overview.against", { used: formatUsd(leader.costUsd), cap: formatUsd(usdCap) }) : `${formatUsd(leader.costUsd)} (${t("console.overview.noCap")})`;
  const meter = tokenCap > 0 ? html` <meter min="0" max="${tokenCap}" value="${Math.min(leader.tokens, tokenCap)}"></meter>` : raw("");
  return html`<tr><th>${label}</th><td><code>${leader.ref}</code></td><td>${tokens}${meter}</td><td>${cost}</td></tr>`;
}

const card = (id: string, label: string, value: string, href?: string): RawHtml =>
  html`<div class="card" id="${id}"><div class="muted">${href ? html`<a href="${href}">${label}</a>` : label}</div><div class="value">${value}</div></div>`;

/** `/admin`: channels (and their QR logins), activity, errors, queue, today's usage against the caps, memory counts (never texts), pairing. */
export function overviewPage(options: { locale: Locale; user: string; overview: Overview; logins: readonly LoginSection[] }): HtmlPage {
  const { locale, overview } = options;
  const t: T = (key, params) => translate(locale, key, params);
  const { total, topUser, topChat } = overview.today;
  const first = overview.activity[0]?.startAt ?? overview.at;
  const last = overview.activity.at(-1)?.startAt ?? overview.at;
  const chart = activityChart(overview.activity, {
    label: t("console.overview.chartLabel", { from: utcText(first), to: utcText(last) }),
    names: { inbound: t("console.overview.inbound"), outbound: t("console.overview.outbound"), runs: t("console.overview.runs"), errors: t("console.overview.errors") },
    peak: (count) => t("console.overview.peak", { count }),
    from: utcText(first).slice(11),
    to: utcText(last).slice(11),
  });
  const waiting = overview.channels.find((channel) => channel.loginQrSvg);
  const body = html`<div class="cards" id="cards" data-live>
${card("queue-depth", t("console.overview.queue"), formatCount(overview.queueDepth, locale))}
${card("failed-runs", t("console.overview.failedRuns", { hours: overview.hours }), formatCount(overview.failedRuns, locale))}
${card("pending-approvals", t("console.overview.pendingApprovals"), formatCount(overview.pendingApprovals, locale), "/admin/approvals")}
${card("tokens-today", `${t("console.overview.tokens")} · ${t("console.overview.today")}`, formatCount(total.inputTokens + total.outputTokens, locale))}
${card("cost-today", `${t("console.overview.cost")} · ${t("console.overview.today")}`, formatUsd(total.costUsd))}
${card("memories", t("console.overview.memories", { users: formatCount(overview.memories.users, locale), chats: formatCount(overview.memories.chats, locale) }), formatCount(overview.memories.memories, locale))}
</div>
<h2>${t("console.overview.channels")}</h2>
<table id="channels-table" data-live><thead><tr><th>${t("console.overview.channel")}</th><th>${t("console.overview.state")}</th><th>${t("console.overview.lastEvent")}</th><th>${t("console.overview.detail")}</th></tr></thead>
<tbody id="channels">${channelRows(overview, t, locale)}</tbody></table>
<div id="channel-qr" class="qr" data-live>${raw(waiting?.loginQrSvg ?? "")}</div>
${options.logins.map((login) => loginSection(login, t))}
<h2>${t("console.overview.activity", { hours: overview.hours })}</h2>
<div id="activity" data-live>${chart}</div>
<h2>${t("console.overview.usage")}</h2>
<div id="usage" data-live>
<p><strong>${t("console.overview.today")}</strong>: ${formatCount(total.inputTokens + total.outputTokens, locale)} ${t("console.overview.tokens")} · ${formatUsd(total.costUsd)} · ${formatCount(total.calls, locale)} ${t("console.overview.calls")}</p>
<table>
${capRow(t("console.overview.topUser"), topUser, overview.caps.tokensPerUser, overview.caps.usdPerUser, t, locale)}
${capRow(t("console.overview.topChat"), topChat, overview.caps.tokensPerChat, overview.caps.usdPerChat, t, locale)}
</table>
</div>
<h2>${t("console.overview.pairing")}</h2>
<table id="pending-table" data-live><thead><tr><th>${t("console.access.channel")}</th><th>${t("console.access.who")}</th><th>${t("console.access.name")}</th><th>${t("console.access.code")}</th><th>${t("console.access.expires")}</th><th></th></tr></thead>
<tbody id="pending">${pairingRows(overview.pendingPairing, t)}</tbody></table>`;
  return consolePage({ locale, section: "overview", body, user: options.user, refreshMs: 5000, scripts: [consoleScript, ...(options.logins.length > 0 ? [loginScript] : [])] });
}
