import { translate, type Locale } from "../../core/i18n/catalogue.ts";
import { html, type RawHtml } from "./html.ts";

/** A duration as people say it: the largest whole unit ("45 s", "12 min", "3 h", "2 d"). */
export function formatDuration(ms: number, locale: Locale): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return translate(locale, "console.unit.s", { n: seconds });
  if (seconds < 3600) return translate(locale, "console.unit.min", { n: Math.floor(seconds / 60) });
  if (seconds < 86_400) return translate(locale, "console.unit.h", { n: Math.floor(seconds / 3600) });
  return translate(locale, "console.unit.d", { n: Math.floor(seconds / 86_400) });
}

/** `2026-12-06 18:40 UTC`: how the server writes a time; the page's script shows it in the browser's own zone. */
export const utcText = (at: number): string => `${new Date(at).toISOString().slice(0, 16).replace("T", " ")} UTC`;

export const timeTag = (at: number): RawHtml => html`<time datetime="${new Date(at).toISOString()}" data-local>${utcText(at)}</time>`;

export const formatCount = (count: number, locale: Locale): string => count.toLocaleString(locale === "zh-CN" ? "zh-CN" : "en-US");

export const formatUsd = (usd: number): string => `$${usd.toFixed(usd > 0 && usd < 0.01 ? 4 : 2)}`;
