import type { IncomingMessage, ServerResponse } from "node:http";
import type { Locale } from "../../core/i18n/catalogue.ts";
import { consoleLocale } from "./locale.ts";

/**
 * The console's language for a page of Usage, Jobs, Audit log or a trace (`?lang=`, the remembered choice, the
 * browser's). A `?lang=` choice is remembered: its cookie goes on the response, as on the other console pages.
 */
export function pageLocale(request: IncomingMessage, response: ServerResponse, fallback: Locale = "en"): Locale {
  const { locale, setCookie } = consoleLocale(request, fallback);
  if (setCookie) response.setHeader("set-cookie", setCookie);
  return locale;
}
