import QRCode from "qrcode";
import { z } from "zod";
import { readJsonBody, sendJson } from "../adapters/kit/http-body.ts";
import { toBridgeError } from "../core/types/errors.ts";
import type { Store } from "../core/store/store.ts";
import type { HttpRoute } from "../core/types/adapter.ts";
import type { ChannelStatus } from "./http.ts";
import { usageSummary } from "../core/budget.ts";

const approveSchema = z.object({ platform: z.string().min(1), code: z.string().min(1) });

/** `/api/admin/*`: what the CLI does, over HTTP, for the owner (the console's pages are in `console/`). */
export function createAdminRoutes(
  store: Store,
  /** Each channel's health by channel id. */
  channels: () => Record<string, ChannelStatus>,
  options: { now?: () => number } = {},
): HttpRoute[] {
  const now = options.now ?? Date.now;
  return [
    {
      method: "GET",
      path: "/api/admin/usage",
      isOwnerOnly: true,
      handle: async (_request, response) => sendJson(response, 200, { summary: await usageSummary(store.usage, now()) }),
    },
    {
      // Counts only: the console never shows what a person asked the bot to remember.
      method: "GET",
      path: "/api/admin/memory",
      isOwnerOnly: true,
      handle: async (_request, response) =>
        sendJson(response, 200, { memories: await store.memories.counts(), knowledgeBases: await store.knowledge.bases() }),
    },
    {
      // Each channel's state, with the QR code to scan while a login waits for one.
      method: "GET",
      path: "/api/admin/channels",
      isOwnerOnly: true,
      handle: async (_request, response) => {
        const withQr = await Promise.all(
          Object.entries(channels()).map(async ([channelId, health]) => [
            channelId,
            health.loginQr ? { ...health, loginQrSvg: await QRCode.toString(health.loginQr, { type: "svg", margin: 2 }) } : health,
          ]),
        );
        sendJson(response, 200, { channels: Object.fromEntries(withQr) });
      },
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
        let body: z.infer<typeof approveSchema>;
        try {
          body = await readJsonBody(request, approveSchema, 10_000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        const approved = await store.pairing.approve(body.platform, body.code, now());
        if (!approved) return sendJson(response, 404, { error: "no pending request with that code" });
        sendJson(response, 200, { approved });
      },
    },
  ];
}
