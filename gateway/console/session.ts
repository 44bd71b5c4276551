import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { AdapterStateStore } from "../../core/store/store.ts";
import { isHttps, readCookies, serializeCookie } from "./cookies.ts";

export const sessionCookieName = "pincer_session";
export const defaultSessionTtlMs = 12 * 60 * 60 * 1000;

/** Who is logged in to the console and until when. */
export interface ConsoleSession {
  /** The name given at login (several people may share the admin token), else "owner". */
  user: string;
  expiresAt: number;
}

export interface ConsoleSessions {
  /** A new session for `user`: the Set-Cookie header that carries it. */
  issue(request: IncomingMessage, user: string): { setCookie: string; session: ConsoleSession };
  /** The Set-Cookie header that removes the session cookie. */
  clear(request: IncomingMessage): string;
  /** The session the request's cookie carries, if it is ours, unexpired and signed under the current token. */
  verify(request: IncomingMessage): Promise<ConsoleSession | undefined>;
}

export interface ConsoleSessionsDeps {
  adminToken: string;
  /** Where the signing secret is kept: the store, so that every process on a shared store signs alike. */
  state: AdapterStateStore;
  ttlMs?: number;
  now?: () => number;
}

const payloadSchema = z.object({ u: z.string().min(1).max(64), e: z.number().int(), n: z.string().max(32) });
const secretKey = { namespace: "console", key: "session-secret" } as const;
/** How long after a failed check the secret is read again (another process may have written the first one). */
const rereadAfterMs = 10_000;

async function loadSecret(state: AdapterStateStore, now: number): Promise<string> {
  const kept = await state.get<string>(secretKey.namespace, secretKey.key, now);
  if (kept) return kept;
  await state.set(secretKey.namespace, secretKey.key, randomBytes(32).toString("base64url"));
  // Two processes starting at once both write: read back whichever stayed.
  return (await state.get<string>(secretKey.namespace, secretKey.key, now))!;
}

/**
 * Stateless console sessions: the cookie is `payload.signature`, an HMAC-SHA256 under a key derived from a random
 * secret kept in the store (it survives restarts and is the same for every process on a shared store) and from the
 * admin token's hash (a new token logs everyone out). Nothing is stored per session; logging out removes the cookie.
 */
export async function createConsoleSessions(deps: ConsoleSessionsDeps): Promise<ConsoleSessions> {
  const now = deps.now ?? Date.now;
  const ttlMs = deps.ttlMs ?? defaultSessionTtlMs;
  const tokenHash = createHash("sha256").update(deps.adminToken).digest();
  const keyFor = (secret: string) => createHmac("sha256", secret).update("pincer console session\0").update(tokenHash).digest();
  let key: Buffer = keyFor(await loadSecret(deps.state, now()));
  let lastReadAt = now();
  const sign = (payload: string, withKey: Buffer = key): Buffer => createHmac("sha256", withKey).update(payload).digest();

  const check = (value: string, withKey: Buffer): ConsoleSession | undefined => {
    const [payload, signature, extra] = value.split(".");
    if (!payload || !signature || extra !== undefined || value.length > 512) return undefined;
    const given = Buffer.from(signature, "base64url");
    const expected = sign(payload, withKey);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: z.infer<typeof payloadSchema>;
    try {
      parsed = payloadSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    } catch {
      return undefined;
    }
    return parsed.e > now() ? { user: parsed.u, expiresAt: parsed.e } : undefined;
  };

  const cookie = (request: IncomingMessage, value: string, maxAgeSec: number) =>
    serializeCookie(sessionCookieName, value, { maxAgeSec, isHttpOnly: true, isSecure: isHttps(request), sameSite: "Strict" });

  return {
    issue(request, user) {
      const session = { user, expiresAt: now() + ttlMs };
      const payload = Buffer.from(JSON.stringify({ u: user, e: session.expiresAt, n: randomBytes(9).toString("base64url") })).toString("base64url");
      const value = `${payload}.${sign(payload).toString("base64url")}`;
      return { setCookie: cookie(request, value, Math.floor(ttlMs / 1000)), session };
    },
    clear: (request) => cookie(request, "", 0),
    async verify(request) {
      const value = readCookies(request).get(sessionCookieName);
      if (!value) return undefined;
      const session = check(value, key);
      if (session || now() - lastReadAt < rereadAfterMs) return session;
      lastReadAt = now();
      const fresh = keyFor(await loadSecret(deps.state, now()));
      if (fresh.equals(key)) return undefined;
      key = fresh;
      return check(value, key);
    },
  };
}
