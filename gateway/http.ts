import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { sendJson } from "../core/http-body.ts";
import type { Metrics } from "../core/metrics.ts";
import { maskSecrets } from "../core/logger.ts";
import type { Adapter, ChannelHealth, HttpRoute } from "../core/types/adapter.ts";
import type { Logger } from "../core/types/logger.ts";
import { isOwnerRequest } from "./owner-auth.ts";
import { createWebhookGuard, defaultWebhookGuardLimits, type WebhookGuardLimits } from "./webhook-guard.ts";

export interface HttpDeps {
  adapters: readonly Adapter[];
  /** Routes of the gateway itself (the admin API). */
  routes: readonly HttpRoute[];
  metrics: Metrics;
  adminToken: string | undefined;
  logger: Logger;
  /** Masked in the channels' details, which /readyz shows to anyone who can reach it. */
  secrets: readonly string[];
  /** Failed webhook authentications allowed per peer (tests lower or raise them). */
  webhookGuard?: WebhookGuardLimits;
}

/** Each channel's health by platform, with any secret an error message carried masked. */
export function channelStates(adapters: readonly Adapter[], secrets: readonly string[]): Record<string, ChannelHealth> {
  return Object.fromEntries(
    adapters.map((adapter) => {
      const health = adapter.health();
      return [adapter.platform, health.detail === undefined ? health : { ...health, detail: maskSecrets(health.detail, secrets) }];
    }),
  );
}

/** The one HTTP server: health, metrics, webhooks and the web chat, admin API. No global body parser: webhooks need raw bodies. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable("x-powered-by");

  app.get("/healthz", function healthz(_request, response) {
    sendJson(response, 200, { status: "ok" });
  });

  app.get("/readyz", function readyz(_request, response) {
    const channels = channelStates(deps.adapters, deps.secrets);
    const isReady = Object.values(channels).every((health) => health.state === "ready");
    sendJson(response, isReady ? 200 : 503, { status: isReady ? "ready" : "not ready", channels });
  });

  app.get("/metrics", async function metrics(_request, response) {
    response.setHeader("content-type", deps.metrics.registry.contentType);
    response.end(await deps.metrics.registry.metrics());
  });

  const mount = (route: HttpRoute) => {
    const handler = async function routeHandler(request: Request, response: Response) {
      if (route.isOwnerOnly && !isOwnerRequest(request, deps.adminToken)) {
        deps.logger.warn({ path: route.path }, "request without a valid admin token");
        return sendJson(response, 401, { error: "Authorization: Bearer <PINCER_ADMIN_TOKEN> required" });
      }
      await route.handle(request, response);
    };
    if (route.method === "GET") app.get(route.path, handler);
    else app.post(route.path, handler);
  };
  const guardWebhook = createWebhookGuard(deps.webhookGuard ?? defaultWebhookGuardLimits, { logger: deps.logger });
  for (const adapter of deps.adapters) for (const route of adapter.routes ?? []) mount(guardWebhook(route));
  for (const route of deps.routes) mount(route);

  app.use(function notFound(_request, response) {
    sendJson(response, 404, { error: "not found" });
  });
  app.use(function errorHandler(error: unknown, request: Request, response: Response, _next: NextFunction) {
    deps.logger.error({ err: error, path: request.path }, "request failed");
    if (!response.headersSent) sendJson(response, 500, { error: "internal error" });
  });
  return app;
}
