import type { IncomingMessage, ServerResponse } from "node:http";
import type { HtmlPage } from "../../core/html-page.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import { consoleLocale } from "./locale.ts";
import type { ConsoleSessions } from "./session.ts";

/** Who asks for a console page, in which language. */
export interface ConsoleContext {
  locale: Locale;
  /** The session's user, or "owner" for a request with the token itself. */
  user: string;
  /** Set when `?lang=` chose a language: the cookie that remembers it. */
  setLocaleCookie?: string;
}

export async function consoleContext(request: IncomingMessage, sessions: ConsoleSessions, defaultLocale: Locale = "en"): Promise<ConsoleContext> {
  const { locale, setCookie } = consoleLocale(request, defaultLocale);
  const session = await sessions.verify(request);
  return { locale, user: session?.user ?? "owner", ...(setCookie ? { setLocaleCookie: setCookie } : {}) };
}

/** The approver recorded for a console user's decision. */
export const consoleApproverRef = (user: string): string => `console:${user}`;

export function sendConsolePage(response: ServerResponse, page: HtmlPage, context: ConsoleContext): void {
  response.writeHead(200, { ...page.headers, "cache-control": "no-store", ...(context.setLocaleCookie ? { "set-cookie": context.setLocaleCookie } : {}) });
  response.end(page.html);
}
