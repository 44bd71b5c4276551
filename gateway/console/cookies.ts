import type { IncomingMessage } from "node:http";

/** The request's cookies by name (the first of each name wins, as browsers send the most specific path first). */
export function readCookies(request: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const pair of (request.headers.cookie ?? "").split(";")) {
    const index = pair.indexOf("=");
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim();
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(pair.slice(index + 1).trim()));
    } catch {
      // A value that is not valid percent-encoding is nobody's cookie of ours.
    }
  }
  return cookies;
}

/** Whether the request reached us over TLS, directly or through a proxy that says so. */
export function isHttps(request: IncomingMessage): boolean {
  const forwarded = request.headers["x-forwarded-proto"];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(",")[0]?.trim().toLowerCase();
  return proto === "https" || ("encrypted" in request.socket && request.socket.encrypted === true);
}

export interface CookieOptions {
  /** Seconds until it expires; 0 removes it. */
  maxAgeSec: number;
  isHttpOnly: boolean;
  isSecure: boolean;
  sameSite: "Strict" | "Lax";
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    "Path=/",
    `Max-Age=${options.maxAgeSec}`,
    `SameSite=${options.sameSite}`,
    ...(options.isHttpOnly ? ["HttpOnly"] : []),
    ...(options.isSecure ? ["Secure"] : []),
  ].join("; ");
}
