import { htmlPage, type HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale } from "../../core/i18n/catalogue.ts";
import { html, raw } from "./html.ts";

/**
 * Opening the link Pincer printed (`/admin#token=…`), or arriving with the web chat's token in localStorage, logs in
 * without typing: the token goes to the login route once (not again within 10 s, so a refused cookie cannot loop).
 */
const autoLogin = `
const form = document.getElementById("login");
const hashToken = new URLSearchParams(location.hash.slice(1)).get("token");
if (hashToken) { localStorage.setItem("pincer.token", hashToken); history.replaceState(null, "", location.pathname + location.search); }
const token = hashToken || localStorage.getItem("pincer.token");
const triedAt = Number(sessionStorage.getItem("pincer.autoLogin") || 0);
if (token && Date.now() - triedAt > 10000) {
  sessionStorage.setItem("pincer.autoLogin", String(Date.now()));
  const status = document.getElementById("status");
  status.textContent = status.dataset.auto;
  const response = await fetch("/admin/login", { method: "POST", headers: { accept: "application/json", "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token, next: form.next.value }) });
  if (response.ok) location.replace(form.next.value);
  else status.textContent = status.dataset.failed;
}
`;

export interface LoginPageOptions {
  locale: Locale;
  /** Where to go once logged in: the console page that was asked for. */
  next: string;
  isFailed?: boolean;
}

/** The console's login: the admin token (and an optional name recorded with decisions), posted to `/admin/login`. */
export function loginPage(options: LoginPageOptions): HtmlPage {
  const t = (key: Parameters<typeof translate>[1]) => translate(options.locale, key);
  const other: Locale = options.locale === "en" ? "zh-CN" : "en";
  const page = html`<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${t("console.login.title")} · ${t("console.title")}</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; }
  body { max-width: 28rem; margin: 4rem auto; padding: 1rem; }
  label { display: block; margin: .8rem 0 .2rem; } input { width: 100%; box-sizing: border-box; padding: .4rem; }
  button { margin-top: 1rem; padding: .4rem 1rem; } .error { color: #c03020; } .muted { opacity: .7; }
</style>
</head>
<body>
<p><a href="?lang=${other}" hreflang="${other}">${other === "en" ? "English" : "中文"}</a></p>
<h1>${t("console.title")}</h1>
<p class="muted">${t("console.login.intro")}</p>
<p id="status" class="error" role="alert" data-auto="${t("console.login.auto")}" data-failed="${t("console.login.failed")}">${options.isFailed ? t("console.login.failed") : ""}</p>
<form id="login" method="post" action="/admin/login">
<input type="hidden" name="next" value="${options.next}">
<label for="token">${t("console.login.token")}</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<label for="name">${t("console.login.name")}</label>
<input id="name" name="name" autocomplete="username" maxlength="40">
<button>${t("console.login.submit")}</button>
</form>
<script type="module">${raw(autoLogin)}</script>
</body>
</html>`;
  return htmlPage(page.html, { formAction: "self" });
}
