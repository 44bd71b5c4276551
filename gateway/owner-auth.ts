import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

/**
 * The owner's check for the web chat and the admin API. With no token configured (possible only
 * on a loopback HOST, see config) the local user is trusted. EventSource cannot send headers,
 * so `?token=` is accepted too.
 */
export function isOwnerRequest(request: IncomingMessage, adminToken: string | undefined): boolean {
  if (!adminToken) return true;
  const header = request.headers.authorization ?? "";
  const fromHeader = header.startsWith("Bearer ") ? header.slice(7) : undefined;
  const fromQuery = new URL(request.url ?? "/", "http://localhost").searchParams.get("token") ?? undefined;
  const given = Buffer.from(fromHeader ?? fromQuery ?? "");
  const expected = Buffer.from(adminToken);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
