import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * Whether the request carries `token` as `Authorization: Bearer`, or, where `isQueryTokenAccepted` (the GET routes
 * a browser reads without headers: EventSource, media elements, downloads), as `?token=`.
 */
export function holdsToken(request: IncomingMessage, token: string, isQueryTokenAccepted = false): boolean {
  const header = request.headers.authorization ?? "";
  const fromHeader = header.startsWith("Bearer ") ? header.slice(7) : undefined;
  const fromQuery = isQueryTokenAccepted
    ? (new URL(request.url ?? "/", "http://localhost").searchParams.get("token") ?? undefined)
    : undefined;
  const given = Buffer.from(fromHeader ?? fromQuery ?? "");
  const expected = Buffer.from(token);
  return token.length > 0 && given.length === expected.length && timingSafeEqual(given, expected);
}
