import { htmlPage, type HtmlPage } from "../../core/html-page.ts";
import { translate, type Locale, type MessageKey } from "../../core/i18n/catalogue.ts";
import { html, raw, type RawHtml } from "./html.ts";

/** The console's sections, in the order of its navigation. */
export const consoleSections = ["overview", "conversations", "approvals", "jobs", "usage", "access", "audit", "setup"] as const;
export type ConsoleSection = (typeof consoleSections)[number];

export const sectionPath = (section: ConsoleSection): string => (section === "overview" ? "/admin" : `/admin/${section}`);

/** Inline SVG icons (no icon font, no emoji: they show as empty boxes on machines without an emoji font). */
const icon = (path: string) =>
  raw(`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`);
const icons: Record<ConsoleSection, RawHtml> = {
  overview: icon('<path d="M3 3v18h18"/><path d="M7 15l4-4 3 3 5-6"/>'),
  conversations: icon('<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/>'),
  approvals: icon('<path d="M9 12l2 2 4-4"/><circle cx="12" cy="12" r="9"/>'),
  jobs: icon('<circle cx="12" cy="12" r="9"/><path d="M12 7v5l3 3"/>'),
  usage: icon('<path d="M4 20V10M10 20V4M16 20v-7M22 20H2"/>'),
  access: icon('<rect x="4" y="11" width="16" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/>'),
  audit: icon('<path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9z"/><path d="M14 3v6h6M8 13h8M8 17h8"/>'),
  setup: icon('<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1"/>'),
};

const style = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; --line: #8884; --soft: #8881; --accent: #2f6fde; }
  body { margin: 0; display: grid; grid-template-columns: 13rem 1fr; min-height: 100vh; }
  nav { border-right: 1px solid var(--line); padding: 1rem .5rem; }
  nav a { display: flex; gap: .5rem; align-items: center; padding: .4rem .6rem; border-radius: .4rem; color: inherit; text-decoration: none; }
  nav a[aria-current="page"] { background: var(--soft); font-weight: 600; }
  nav .brand { font-weight: 700; padding: .4rem .6rem 1rem; }
  .icon { width: 1.1rem; height: 1.1rem; flex: none; }
  main { padding: 1rem 1.5rem; max-width: 72rem; overflow-x: auto; }
  header.bar { display: flex; justify-content: flex-end; gap: 1rem; align-items: center; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
  pre { background: var(--soft); padding: .6rem; white-space: pre-wrap; overflow-wrap: anywhere; }
  .error { color: #c03020; } .muted { opacity: .7; }
  .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr)); gap: .75rem; margin: 1rem 0; }
  .card { border: 1px solid var(--line); border-radius: .5rem; padding: .6rem .8rem; }
  .card .value { font-size: 1.5rem; font-weight: 600; }
  .chart { margin: 0; } .chart > svg { width: 100%; height: auto; max-height: 14rem; }
  .legend { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: .3rem 0 0; }
  .legend li { display: flex; gap: .35rem; align-items: center; } .swatch { width: .7rem; height: .7rem; }
  .state-ready { color: #2a9d5c; } .state-error, .state-stopped { color: #c03020; } .state-degraded, .state-starting, .quiet { color: #b07000; }
  .qr svg { width: 14rem; height: 14rem; background: #fff; }
  form.inline { display: inline; } button { cursor: pointer; } nav.tabs { display: flex; gap: 1rem; border: 0; padding: 0 0 .5rem; }
  @media (max-width: 40rem) { body { grid-template-columns: 1fr; } nav { border-right: 0; border-bottom: 1px solid var(--line); } }
`;

export interface ConsolePageOptions {
  locale: Locale;
  /** The section the page belongs to: its navigation entry is marked current. */
  section: ConsoleSection;
  /** The page's own heading, when it is not the section's name. */
  title?: string;
  body: RawHtml;
  /** Inline scripts the page needs (allowed by hash; keep them small). */
  scripts?: readonly string[];
  /** Who is logged in (shown beside the logout button). */
  user?: string;
  /** Set: the shared script (`client-script.ts`) refreshes the page's `[data-live]` elements this often. */
  refreshMs?: number;
}

/** One console page: the navigation, a language switch and logout, then the page's body. */
export function consolePage(options: ConsolePageOptions): HtmlPage {
  const t = (key: MessageKey) => translate(options.locale, key);
  const title = options.title ?? t(`console.nav.${options.section}`);
  const nav = consoleSections.map(
    (section) =>
      html`<a href="${sectionPath(section)}"${raw(section === options.section ? ' aria-current="page"' : "")}>${icons[section]}<span>${t(`console.nav.${section}`)}</span></a>`,
  );
  const other: Locale = options.locale === "en" ? "zh-CN" : "en";
  const page = html`<!doctype html>
<html lang="${options.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title} · ${t("console.title")}</title>
<style>${raw(style)}</style>
</head>
<body>
<nav><div class="brand">${t("console.title")}</div>${nav}</nav>
<main${raw(options.refreshMs ? ` data-refresh-ms="${Math.round(options.refreshMs)}"` : "")}>
<header class="bar">${options.user === undefined ? "" : html`<span class="muted">${translate(options.locale, "console.signedInAs", { user: options.user })}</span>`}<a href="?lang=${other}" hreflang="${other}">${other === "en" ? "English" : "中文"}</a><form method="post" action="/admin/logout"><button>${t("console.logout")}</button></form></header>
<h1>${title}</h1>
<p id="console-error" class="error" role="alert" data-template="${translate(options.locale, "console.error.action")}"></p>
${options.body}
</main>
${raw((options.scripts ?? []).map((script) => `<script type="module">${script}</script>`).join("\n"))}
</body>
</html>`;
  return htmlPage(page.html, { formAction: "self" });
}
