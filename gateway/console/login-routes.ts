import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../../adapters/kit/http-body.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import type { Logger } from "../../core/types/logger.ts";
import { consoleLocale } from "./locale.ts";
import { loginPage } from "./login-page.ts";
import type { ConsoleSessions } from "./session.ts";

export interface ConsoleLoginDeps {
  adminToken: string;
  sessions: ConsoleSessions;
  logger: Logger;
  defaultLocale?: Locale;
}

/** A console page to return to after logging in: `/admin` or one of its sections, nothing else (no open redirect). */
export function safeNext(value: unknown): string {
  return typeof value === "string" && /^\/admin(\/[a-z0-9-]+)*$/i.test(value) ? value : "/admin";
}

/** The name recorded with a console user's decisions: letters, digits, spaces and `._-`, at most 40 characters. */
export function cleanUserName(value: unknown): string {
  const name = typeof value === "string" ? value.normalize("NFC").replace(/[^\p{L}\p{N} ._-]/gu, "").replace(/\s+/g, " ").trim().slice(0, 40) : "";
  return name || "owner";
}

function isToken(given: unknown, token: string): boolean {
  if (typeof given !== "string") return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The login form's fields, sent as a form (the page) or JSON (scripts). */
async function readFields(request: IncomingMessage): Promise<Record<string, unknown>> {
  const text = (await readBody(request, 8192)).toString("utf8");
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (type === "application/json") {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
  }
  return Object.fromEntries(new URLSearchParams(text));
}

const wantsJson = (request: IncomingMessage) => (request.headers.accept ?? "").includes("application/json");

function redirect(response: ServerResponse, location: string, setCookie: string): void {
  response.writeHead(303, { location, "set-cookie": setCookie, "cache-control": "no-store" });
  response.end();
}

/**
 * `POST /admin/login` (the admin token for a session cookie), `POST /admin/logout` and `GET /api/admin/session`.
 * The login checks a credential of its own, so its failures count toward the per-peer limit of failed
 * authentications (the webhook guard: 429 after ten a minute).
 */
export function consoleLoginRoutes(deps: ConsoleLoginDeps): HttpRoute[] {
  return [
    {
      method: "POST",
      path: "/admin/login",
      isOwnerOnly: false,
      isSelfAuthenticated: true,
      handle: async (request, response) => {
        let fields: Record<string, unknown>;
        try {
          fields = await readFields(request);
        } catch {
          return sendJson(response, 400, { error: "expected a form or JSON with token" });
        }
        const next = safeNext(fields.next);
        if (!isToken(fields.token, deps.adminToken)) {
          deps.logger.warn({ peer: request.socket.remoteAddress }, "console login with a wrong token");
          if (wantsJson(request)) return sendJson(response, 401, { error: "not the admin token" });
          const page = loginPage({ locale: consoleLocale(request, deps.defaultLocale).locale, next, isFailed: true });
          response.writeHead(401, page.headers);
          return void response.end(page.html);
        }
        const { setCookie, session } = deps.sessions.issue(request, cleanUserName(fields.name));
        deps.logger.info({ user: session.user }, "console login");
        if (!wantsJson(request)) return redirect(response, next, setCookie);
        response.setHeader("set-cookie", setCookie);
        sendJson(response, 200, { user: session.user, expiresAt: session.expiresAt });
      },
    },
    {
      method: "POST",
      path: "/admin/logout",
      isOwnerOnly: false,
      handle: (request, response) => redirect(response, "/admin", deps.sessions.clear(request)),
    },
    {
      method: "GET",
      path: "/api/admin/session",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const session = await deps.sessions.verify(request);
        sendJson(response, 200, session ? { user: session.user, expiresAt: session.expiresAt, via: "session" } : { user: "owner", via: "token" });
      },
    },
  ];
}
