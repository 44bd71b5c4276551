import type { IncomingMessage } from "node:http";
import { isLocale, type Locale } from "../../core/i18n/catalogue.ts";
import { isHttps, readCookies, serializeCookie } from "./cookies.ts";

export const localeCookieName = "pincer_lang";

/** The browser's preferred language among ours: `Accept-Language` by quality, `zh*` meaning Simplified Chinese. */
export function acceptedLocale(header: string | undefined): Locale | undefined {
  const ranked = (header ?? "")
    .split(",")
    .map((part, index) => {
      const [tag = "", ...params] = part.trim().split(";");
      const quality = Number(params.find((param) => param.trim().startsWith("q="))?.trim().slice(2) ?? "1");
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((entry) => entry.tag && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return undefined;
}

/**
 * The console's language for this request: `?lang=` (remembered in a cookie, whose Set-Cookie header is returned),
 * else the remembered choice, else the browser's `Accept-Language`, else `fallback` (PINCER_LOCALE).
 */
export function consoleLocale(request: IncomingMessage, fallback: Locale = "en"): { locale: Locale; setCookie?: string } {
  const asked = new URL(request.url ?? "/", "http://localhost").searchParams.get("lang");
  if (asked !== null && isLocale(asked)) {
    const setCookie = serializeCookie(localeCookieName, asked, { maxAgeSec: 365 * 24 * 3600, isHttpOnly: true, isSecure: isHttps(request), sameSite: "Lax" });
    return { locale: asked, setCookie };
  }
  const remembered = readCookies(request).get(localeCookieName);
  if (remembered !== undefined && isLocale(remembered)) return { locale: remembered };
  return { locale: acceptedLocale(request.headers["accept-language"]) ?? fallback };
}
