import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../../core/logger.ts";
import { sendJson } from "../../adapters/kit/http-body.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { createWebhookGuard } from "../../gateway/webhook-guard.ts";
import { collectingLog } from "../support/recording-logger.ts";

const logger = createLogger({ level: "silent", secrets: [], destination: collectingLog().destination });
let server: Server | undefined;
afterEach(() => server?.close());

/** A webhook that wants `x-secret: right`, behind the guard, on 127.0.0.1. */
async function serveGuarded(route: Omit<HttpRoute, "handle">, clock: { nowMs: number }) {
  let handled = 0;
  const guard = createWebhookGuard({ maxFailures: 3, windowMs: 60_000, maxPeers: 100 }, { logger, now: () => clock.nowMs });
  const guarded = guard({
    ...route,
    handle: (request, response) => {
      handled += 1;
      sendJson(response, request.headers["x-secret"] === "right" ? 200 : 401, {});
    },
  });
  server = createServer((request, response) => void guarded.handle(request, response));
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${route.path}`;
  const post = (secret: string) => fetch(url, { method: "POST", headers: { "x-secret": secret } });
  return { post, handled: () => handled };
}

describe("failed webhook authentications from one peer", () => {
  it("answer 429 with Retry-After for the rest of the window once the limit is hit, even to a correct request", async () => {
    const clock = { nowMs: 1_000_000 };
    const hook = await serveGuarded({ method: "POST", path: "/webhooks/test", isOwnerOnly: false }, clock);
    expect((await hook.post("right")).status).toBe(200);
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await hook.post(`guess-${attempt}`)).status).toBe(401);

    clock.nowMs += 20_000;
    const refused = await hook.post("guess-4");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("40");
    expect((await hook.post("right")).status).toBe(429);
    expect(hook.handled()).toBe(4);

    clock.nowMs += 40_000;
    expect((await hook.post("right")).status).toBe(200);
    expect((await hook.post("guess-5")).status).toBe(401);
  });

  it("leave routes that are not public webhooks alone", async () => {
    const clock = { nowMs: 0 };
    const hook = await serveGuarded({ method: "POST", path: "/api/web/messages", isOwnerOnly: false }, clock);
    for (let attempt = 0; attempt < 5; attempt += 1) expect((await hook.post("wrong")).status).toBe(401);
    expect(hook.handled()).toBe(5);
  });
});
