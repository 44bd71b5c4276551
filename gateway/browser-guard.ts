import type { NextFunction, Request, Response } from "express";
import { sendJson } from "../adapters/kit/http-body.ts";
import type { Logger } from "../core/types/logger.ts";

export interface BrowserGuardOptions {
  /** HOST: its name is allowed in `Host` unless it is a wildcard address. */
  configuredHost: string;
  /** PINCER_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
  logger: Logger;
}

/**
 * Everything but the webhooks (checked by their platform's signature, reached through proxies under any `Host`) and
 * health and metrics is treated as the browser's: the chat page, the console and the API behind them. Express matches
 * routes case-insensitively and with a trailing slash, so the path is compared the same way.
 */
export function isBrowserFacing(path: string): boolean {
  const lower = path.toLowerCase().replace(/\/+$/, "");
  return !(lower.startsWith("/webhooks/") || lower === "/healthz" || lower === "/readyz" || lower === "/metrics");
}

/** Host names (as in a `Host` header, without the port) under which the browser-facing routes answer. */
export function allowedHostNames(configuredHost: string, allowedHosts: readonly string[]): Set<string> {
  const names = new Set(["localhost", "127.0.0.1", "[::1]", ...allowedHosts]);
  const host = configuredHost.toLowerCase();
  if (host !== "0.0.0.0" && host !== "::" && host !== "[::]") names.add(host.includes(":") && !host.startsWith("[") ? `[${host}]` : host);
  return names;
}

function hostName(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    return new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

function isSameOrigin(origin: string, hostHeader: string): boolean {
  try {
    const parsed = new URL(origin);
    return (parsed.protocol === "http:" || parsed.protocol === "https:") && parsed.host === hostHeader.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Whether a state-changing request carries proof that a page of ours sent it: an `Origin` naming this host (not
 * missing, not `null`), and no `Sec-Fetch-Site` saying otherwise. Required of requests that a cookie authenticates,
 * since the browser attaches the cookie whoever asks.
 */
export function isSameOriginRequest(request: Request): boolean {
  const { origin, host } = request.headers;
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin") return false;
  return origin !== undefined && host !== undefined && isSameOrigin(origin, host);
}

/**
 * Refuses, before any route runs, what a web page the owner visits could send: a request under a foreign `Host`
 * (DNS rebinding) and a state-changing request from a foreign `Origin` (cross-site forms and fetches).
 */
export function createBrowserGuard(options: BrowserGuardOptions) {
  const names = allowedHostNames(options.configuredHost, options.allowedHosts);
  return function browserGuard(request: Request, response: Response, next: NextFunction) {
    if (!isBrowserFacing(request.path)) return next();
    const host = request.headers.host;
    const name = hostName(host);
    if (!name || !names.has(name)) {
      options.logger.warn({ path: request.path, host }, "refused a request for a host name that is not Pincer's (set PINCER_ALLOWED_HOSTS to add one)");
      return sendJson(response, 403, { error: "unknown Host" });
    }
    const origin = request.headers.origin;
    if (request.method !== "GET" && request.method !== "HEAD" && origin !== undefined && !isSameOrigin(origin, host!)) {
      options.logger.warn({ path: request.path, origin }, "refused a cross-origin request");
      return sendJson(response, 403, { error: "cross-origin request refused" });
    }
    next();
  };
}
