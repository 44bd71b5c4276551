import { translate, type Locale, type MessageKey } from "../../core/i18n/catalogue.ts";
import type { HtmlPage } from "../../core/html-page.ts";
import type { ChannelDescriptor } from "../../core/types/channel.ts";
import { consolePage } from "../console/layout.ts";
import { html } from "../console/html.ts";
import { channelRegistry } from "../registry.ts";
import { platformSetups } from "./platforms.ts";

/** The page's script: the channel list every two seconds, the add form, a remove button on the page's own channels. */
const script = `
const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (hashToken) { localStorage.setItem("pincer.token", hashToken); history.replaceState(null, "", location.pathname + location.search); }
const token = localStorage.getItem("pincer.token");
const headers = { "content-type": "application/json", ...(token ? { authorization: "Bearer " + token } : {}) };
const text = document.getElementById("setup").dataset;
const call = async (path, body) => {
  const response = await fetch(path, body ? { method: "POST", headers, body: JSON.stringify(body) } : { headers });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || response.statusText);
  return data;
};
const cell = (value) => { const td = document.createElement("td"); td.textContent = value; return td; };
async function refresh() {
  const { channels } = await call("/api/admin/channels/setup");
  const rows = channels.map((channel) => {
    const tr = document.createElement("tr");
    tr.dataset.channel = channel.id;
    tr.append(cell(channel.id), cell(channel.platform), cell(text["source" + channel.source] || channel.source), cell(channel.state + (channel.detail ? ": " + channel.detail : "")));
    const actions = document.createElement("td");
    if (channel.isRemovable) {
      const button = document.createElement("button");
      button.textContent = text.remove;
      button.addEventListener("click", async () => {
        button.disabled = true;
        try { await call("/api/admin/channels/remove", { id: channel.id }); show(text.removed.replace("{id}", channel.id), false); }
        catch (error) { show(error.message, true); }
        await refresh();
      });
      actions.append(button);
    }
    tr.append(actions);
    return tr;
  });
  document.querySelector("#channels tbody").replaceChildren(...rows);
}
function show(message, isError) {
  const result = document.getElementById("result");
  result.textContent = message;
  result.className = isError ? "error" : "";
}
const platform = document.getElementById("platform");
const choose = () => { for (const set of document.querySelectorAll("fieldset[data-platform]")) { set.hidden = set.dataset.platform !== platform.value; set.disabled = set.hidden; } };
platform.addEventListener("change", choose);
choose();
document.getElementById("add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  show(text.checking, false);
  const env = {};
  for (const input of form.querySelectorAll("fieldset:not([disabled]) input")) if (input.value) env[input.name] = input.value;
  try {
    const added = await call("/api/admin/channels/add?lang=" + encodeURIComponent(document.documentElement.lang), { platform: platform.value, id: form.elements.id.value || undefined, env });
    show(text.added.replace("{id}", added.id).replace("{detail}", added.detail), false);
    for (const input of form.querySelectorAll("input[type=password]")) input.value = "";
  } catch (error) { show(error.message, true); }
  button.disabled = false;
  await refresh();
});
refresh().catch((error) => show(error.message, true));
setInterval(() => refresh().catch(() => {}), 2000);
`;

/** `/admin/setup`: the channels running now, and a form that adds one (checked live) without a restart. */
export function setupPage(locale: Locale): HtmlPage {
  const t = (key: MessageKey) => translate(locale, key);
  const offered = platformSetups.filter((setup) => setup.key !== "weixin");
  const fieldsets = offered.map((setup) => {
    const descriptor = channelRegistry[setup.key] as ChannelDescriptor<unknown>;
    const inputs = setup.fields.map(
      (field) =>
        html`<label>${field.name}${field.isOptional ? ` (${t("setup.page.optional")})` : ""}<br><input name="${field.name}" type="${field.isSecret ? "password" : "text"}" autocomplete="off" value="${field.defaultValue ?? ""}"></label><br>`,
    );
    const endpoints = setup.endpoints.map((name) => html`<label>${name}<br><input name="${name}" type="text" autocomplete="off"></label><br>`);
    return html`<fieldset data-platform="${setup.key}"><legend>${descriptor.displayName}</legend><pre>${t(setup.stepsKey)}</pre>${inputs}${
      endpoints.length > 0 ? html`<details><summary>API</summary>${endpoints}</details>` : ""
    }</fieldset>`;
  });
  const options = offered.map((setup) => html`<option value="${setup.key}">${(channelRegistry[setup.key] as ChannelDescriptor<unknown>).displayName}</option>`);
  const body = html`<style>#add input[type=text], #add input[type=password] { width: min(34rem, 100%); box-sizing: border-box; } #add fieldset { margin: .8rem 0; }</style>
<div id="setup" data-remove="${t("setup.page.remove")}" data-removed="${t("setup.page.removed")}" data-added="${t("setup.page.added")}" data-checking="${translate(locale, "setup.checking", { name: "…" })}" data-sourceenv="${t("setup.page.source.env")}" data-sourceconfig="${t("setup.page.source.config")}" data-sourcestore="${t("setup.page.source.store")}">
<p>${t("setup.page.intro")}</p>
<p class="muted">${t("setup.page.restartNote")} ${t("setup.page.cli")}</p>
<h2>${t("setup.page.channels")}</h2>
<table id="channels"><thead><tr><th>id</th><th>${t("setup.page.platform")}</th><th>${t("setup.page.source")}</th><th>${t("setup.page.state")}</th><th></th></tr></thead><tbody></tbody></table>
<h2>${t("setup.page.add")}</h2>
<form id="add">
<label>${t("setup.page.platform")} <select id="platform" name="platform">${options}</select></label>
<label>${t("setup.page.channelId")} <input name="id" type="text" autocomplete="off" pattern="[a-z][a-z0-9_-]{0,31}"></label>
${fieldsets}
<button type="submit">${t("setup.page.check")}</button>
</form>
<p id="result" role="status"></p>
</div>`;
  return consolePage({ locale, section: "setup", body, scripts: [script] });
}
