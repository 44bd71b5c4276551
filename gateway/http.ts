import express, { type Express, type NextFunction, type Request, type Response, type Router } from "express";
import { sendJson } from "../adapters/kit/http-body.ts";
import type { Metrics } from "../core/metrics.ts";
import { maskSecrets } from "../core/logger.ts";
import type { ChannelHealth, HttpRoute } from "../core/types/adapter.ts";
import type { Logger } from "../core/types/logger.ts";
import type { HtmlPage } from "../core/html-page.ts";
import { createBrowserGuard, isSameOriginRequest } from "./browser-guard.ts";
import type { ConsoleSessions } from "./console/session.ts";
import { channelRoutes, type RunningChannel } from "./channels.ts";
import { holdsToken } from "./owner-auth.ts";
import { createWebhookGuard, defaultWebhookGuardLimits, type WebhookGuardLimits } from "./webhook-guard.ts";

export interface HttpDeps {
  /** Every running channel, the web chat's included: their health, and their routes (webhooks, the web chat's). */
  channels: readonly RunningChannel[];
  /** Routes of the gateway itself (the admin API). */
  routes: readonly HttpRoute[];
  metrics: Metrics;
  /** The owner's token: every `/api/*` route needs it. */
  adminToken: string;
  /** Set: /metrics needs it; unset: /metrics is public (counts only). */
  metricsToken?: string | undefined;
  /** HOST and PINCER_ALLOWED_HOSTS: the names the browser-facing routes answer under, with loopback. */
  configuredHost: string;
  allowedHosts: readonly string[];
  logger: Logger;
  /** Masked in the channels' details, which /readyz shows to the admin token's holder. */
  secrets: readonly string[];
  /** This process as the admin sees it in /readyz: its lease holder id and its store (several processes may share one). */
  instance?: { holder: string; store: "sqlite" | "postgres" };
  /** Failed webhook authentications allowed per peer (tests lower or raise them). */
  webhookGuard?: WebhookGuardLimits;
  /** The console's sessions: a session cookie stands for the token on `/admin*` and `/api/admin/*`. */
  console?: ConsoleAuth;
}

export interface ConsoleAuth {
  sessions: ConsoleSessions;
  /** What a browser that is not logged in gets instead of a console page. */
  loginPage(request: Request): HtmlPage;
}

/** The console's pages and API: where the session cookie counts. */
const isConsolePath = (path: string) => /^\/(admin|api\/admin)(\/|$)/i.test(path);

function isJson(request: Request): boolean {
  const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  return type === "application/json";
}

/** A channel's health as shown; a channel whose id is not its platform's name also says its platform. */
export type ChannelStatus = ChannelHealth & { platform?: string };

/** Each channel's health by channel id, with any secret an error message carried masked. */
export function channelStates(channels: readonly RunningChannel[], secrets: readonly string[]): Record<string, ChannelStatus> {
  return Object.fromEntries(
    channels.map(({ id, platform, adapter }) => {
      const health = adapter.health();
      const shown = health.detail === undefined ? health : { ...health, detail: maskSecrets(health.detail, secrets) };
      return [id, id === platform ? shown : { ...shown, platform }];
    }),
  );
}

/**
 * The one HTTP server: health, metrics, webhooks and the web chat, admin API. No global body parser: webhooks need
 * raw bodies. Webhooks are checked by their platform's signature; the browser-facing routes by `Host`, `Origin`,
 * the admin token and (JSON routes) the content type.
 */
export function createHttpApp(deps: HttpDeps): Express & { refreshChannelRoutes(): void } {
  const app = express();
  app.disable("x-powered-by");
  app.use(createBrowserGuard({ configuredHost: deps.configuredHost, allowedHosts: deps.allowedHosts, logger: deps.logger }));

  app.get("/healthz", function healthz(_request, response) {
    sendJson(response, 200, { status: "ok" });
  });

  // Anyone may see whether each channel is up; what went wrong (and a login QR code) only the owner.
  app.get("/readyz", function readyz(request, response) {
    const channels = channelStates(deps.channels, deps.secrets);
    const isReady = Object.values(channels).every((health) => health.state === "ready");
    const shown = holdsToken(request, deps.adminToken)
      ? channels
      : Object.fromEntries(Object.entries(channels).map(([id, health]) => [id, { state: health.state, ...(health.platform ? { platform: health.platform } : {}) }]));
    const isAdmin = holdsToken(request, deps.adminToken);
    sendJson(response, isReady ? 200 : 503, { status: isReady ? "ready" : "not ready", channels: shown, ...(isAdmin && deps.instance ? { process: deps.instance } : {}) });
  });

  app.get("/metrics", async function metrics(request, response) {
    if (deps.metricsToken && !holdsToken(request, deps.metricsToken)) {
      deps.logger.warn({ path: request.path }, "request without a valid metrics token");
      return sendJson(response, 401, { error: "Authorization: Bearer <PINCER_METRICS_TOKEN> required" });
    }
    response.setHeader("content-type", deps.metrics.registry.contentType);
    response.end(await deps.metrics.registry.metrics());
  });

  const mount = (route: HttpRoute, target: Pick<Router, "get" | "post"> = app) => {
    const isApi = route.path.startsWith("/api/");
    const isOwnerOnly = !route.isSelfAuthenticated && (route.isOwnerOnly || isApi);
    const isJsonRequired = isApi && route.method === "POST" && route.body !== "file";
    const handler = async function routeHandler(request: Request, response: Response) {
      const hasToken = holdsToken(request, deps.adminToken, route.method === "GET" && route.isQueryTokenAccepted === true);
      const hasSession = !hasToken && isOwnerOnly && deps.console !== undefined && isConsolePath(request.path) && (await deps.console.sessions.verify(request)) !== undefined;
      if (isOwnerOnly && !hasToken && !hasSession) {
        deps.logger.warn({ path: route.path }, "request without a valid admin token");
        if (deps.console && !isApi && route.method === "GET") {
          const page = deps.console.loginPage(request);
          response.writeHead(401, page.headers);
          return void response.end(page.html);
        }
        return sendJson(response, 401, { error: "Authorization: Bearer <admin token> or a console session required (PINCER_ADMIN_TOKEN, or DATA_DIR/admin-token)" });
      }
      // The browser sends the cookie with any site's request: a change it authenticates must come from our own pages.
      if (hasSession && route.method !== "GET" && !isSameOriginRequest(request)) {
        deps.logger.warn({ path: route.path, origin: request.headers.origin }, "refused a cookie-authenticated request without a same-origin Origin");
        return sendJson(response, 403, { error: "cross-site request refused" });
      }
      if (isJsonRequired && !isJson(request)) {
        deps.logger.warn({ path: route.path, contentType: request.headers["content-type"] }, "refused a request that is not JSON");
        return sendJson(response, 415, { error: "Content-Type: application/json required" });
      }
      await route.handle(request, response);
    };
    if (route.method === "GET") target.get(route.path, handler);
    else target.post(route.path, handler);
  };
  const guardWebhook = createWebhookGuard(deps.webhookGuard ?? defaultWebhookGuardLimits, { logger: deps.logger });
  // The channels' routes live in a router of their own, rebuilt when a channel is added or removed while running
  // (the setup page), so a removed channel's webhooks answer 404 at once and a new one's answer without a restart.
  const channelRouter = () => {
    const router = express.Router();
    for (const channel of deps.channels) for (const route of channelRoutes(channel)) mount(guardWebhook(route), router);
    return router;
  };
  let channelRoutesNow = channelRouter();
  app.use(function channelWebhooks(request, response, next) {
    channelRoutesNow(request, response, next);
  });
  for (const route of deps.routes) mount(guardWebhook(route));

  app.use(function notFound(_request, response) {
    sendJson(response, 404, { error: "not found" });
  });
  app.use(function errorHandler(error: unknown, request: Request, response: Response, _next: NextFunction) {
    deps.logger.error({ err: error, path: request.path }, "request failed");
    if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
  });
  return Object.assign(app, {
    refreshChannelRoutes() {
      channelRoutesNow = channelRouter();
    },
  });
}
