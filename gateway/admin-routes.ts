import { z } from "zod";
import { readBody, sendJson } from "../core/http-body.ts";
import type { Store } from "../core/store/store.ts";
import type { HttpRoute } from "../core/types/adapter.ts";
import { usageSummary } from "../core/budget.ts";
import { adminPage } from "./admin-page.ts";

const approveSchema = z.object({ platform: z.string().min(1), code: z.string().min(1) });

/** `/admin` and `/api/admin/*`: what the CLI does, over HTTP, for the owner. */
export function createAdminRoutes(store: Store, now: () => number = Date.now): HttpRoute[] {
  return [
    {
      method: "GET",
      path: "/admin",
      isOwnerOnly: false,
      handle: (_request, response) => {
        response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
        response.end(adminPage);
      },
    },
    {
      method: "GET",
      path: "/api/admin/usage",
      isOwnerOnly: true,
      handle: async (_request, response) => sendJson(response, 200, { summary: await usageSummary(store.usage, now()) }),
    },
    {
      method: "GET",
      path: "/api/admin/pairing",
      isOwnerOnly: true,
      handle: async (_request, response) => sendJson(response, 200, { pending: await store.pairing.listPending(now()) }),
    },
    {
      method: "POST",
      path: "/api/admin/pairing/approve",
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: unknown;
        try {
          body = JSON.parse((await readBody(request, 10_000)).toString("utf8"));
        } catch {
          return sendJson(response, 400, { error: "body is not JSON" });
        }
        const parsed = approveSchema.safeParse(body);
        if (!parsed.success) return sendJson(response, 400, { error: "expected {platform, code}" });
        const approved = await store.pairing.approve(parsed.data.platform, parsed.data.code, now());
        if (!approved) return sendJson(response, 404, { error: "no pending request with that code" });
        sendJson(response, 200, { approved });
      },
    },
  ];
}
