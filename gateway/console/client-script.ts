/**
 * The console pages' shared script (inline, allowed by its hash). It shows times in the browser's zone, sends
 * `form[data-api]` to the JSON API (the submitting button's name and value included; "true"/"false" as booleans) and
 * reloads the page, and refreshes `[data-live]` elements from the server every `data-refresh-ms` of `<main>`.
 */
export const consoleScript = `
const local = () => {
  for (const time of document.querySelectorAll("time[data-local]")) time.textContent = new Date(time.dateTime).toLocaleString(document.documentElement.lang);
};
local();
const valueOf = (value) => (value === "true" ? true : value === "false" ? false : value);
// Delegated, so that forms inside refreshed [data-live] elements keep working.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.api) return;
  event.preventDefault();
  if (form.dataset.confirm && !confirm(form.dataset.confirm)) return;
  const body = {};
  for (const [name, value] of new FormData(form)) body[name] = valueOf(value);
  if (event.submitter && event.submitter.name) body[event.submitter.name] = valueOf(event.submitter.value);
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  const response = await fetch(form.dataset.api, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).catch((error) => ({ ok: false, statusText: String(error), json: async () => ({}) }));
  if (response.ok) return location.reload();
  const detail = await response.json().catch(() => ({}));
  const shown = document.getElementById("console-error");
  shown.textContent = shown.dataset.template.replace("{error}", detail.error || response.statusText);
  for (const button of form.querySelectorAll("button")) button.disabled = false;
});
const refreshMs = Number(document.querySelector("main")?.dataset.refreshMs || 0);
if (refreshMs > 0) {
  setInterval(async () => {
    const response = await fetch(location.pathname + location.search, { headers: { accept: "text/html" } }).catch(() => undefined);
    if (!response || !response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const element of document.querySelectorAll("[data-live]")) {
      const replacement = fresh.getElementById(element.id);
      if (replacement) element.replaceWith(document.adoptNode(replacement));
    }
    local();
  }, refreshMs);
}
`;
