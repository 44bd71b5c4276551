import type { IncomingMessage } from "node:http";
import { isLocale, type Locale } from "../../core/i18n/catalogue.ts";

/** The console's language for a request: `?lang=`, else the browser's first language we have, else `fallback`. */
export function pageLocale(request: IncomingMessage, fallback: Locale = "en"): Locale {
  const asked = new URL(request.url ?? "/", "http://localhost").searchParams.get("lang");
  if (asked && isLocale(asked)) return asked;
  for (const part of (request.headers["accept-language"] ?? "").split(",")) {
    const tag = part.split(";")[0]!.trim().toLowerCase();
    if (tag.startsWith("zh")) return "zh-CN";
    if (tag.startsWith("en")) return "en";
  }
  return fallback;
}
