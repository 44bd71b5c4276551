import type { IncomingMessage, ServerResponse } from "node:http";
import { createBoundedMap } from "../adapters/kit/bounded-map.ts";
import { sendJson } from "../adapters/kit/http-body.ts";
import type { HttpRoute } from "../core/types/adapter.ts";
import type { Logger } from "../core/types/logger.ts";

export interface WebhookGuardLimits {
  /** Failed authentications (401 answers) one peer may cause per window. */
  maxFailures: number;
  windowMs: number;
  /** Peers remembered at once; the oldest is forgotten first. */
  maxPeers: number;
}

export const defaultWebhookGuardLimits: WebhookGuardLimits = { maxFailures: 10, windowMs: 60_000, maxPeers: 10_000 };

interface PeerWindow {
  startedAtMs: number;
  failures: number;
}

/**
 * Makes guessing a webhook secret slow: a peer (the socket's address; X-Forwarded-For is not trusted)
 * whose requests were answered 401 `maxFailures` times within `windowMs` gets 429 with Retry-After for
 * the rest of that window, without its request being looked at, even when it is correctly signed.
 */
export function createWebhookGuard(limits: WebhookGuardLimits, deps: { logger: Logger; now?: () => number }) {
  const now = deps.now ?? Date.now;
  const peers = createBoundedMap<PeerWindow>(limits.maxPeers);

  const currentWindow = (peer: string): PeerWindow | undefined => {
    const window = peers.get(peer);
    return window && now() - window.startedAtMs < limits.windowMs ? window : undefined;
  };

  const recordFailure = (peer: string) => {
    const window = currentWindow(peer) ?? { startedAtMs: now(), failures: 0 };
    window.failures += 1;
    peers.set(peer, window);
    if (window.failures === limits.maxFailures) deps.logger.warn({ peer, failures: window.failures }, "webhook peer blocked after repeated failed authentication");
  };

  /** Wraps a public `/webhooks/…` route or one with its own secret (a job's hook); any other route is returned as it is. */
  return function guardWebhookRoute(route: HttpRoute): HttpRoute {
    if (route.isOwnerOnly || !(route.path.startsWith("/webhooks/") || route.isSelfAuthenticated)) return route;
    return {
      ...route,
      handle: async function guardedWebhook(request: IncomingMessage, response: ServerResponse) {
        const peer = request.socket.remoteAddress ?? "unknown";
        const window = currentWindow(peer);
        if (window && window.failures >= limits.maxFailures) {
          const retryAfterSec = Math.max(1, Math.ceil((window.startedAtMs + limits.windowMs - now()) / 1000));
          response.setHeader("retry-after", String(retryAfterSec));
          return sendJson(response, 429, { error: "too many failed authentications; retry later" });
        }
        response.once("finish", () => {
          if (response.statusCode === 401) recordFailure(peer);
        });
        await route.handle(request, response);
      },
    };
  };
}
