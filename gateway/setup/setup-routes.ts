import { z } from "zod";
import { readJsonBody, sendJson } from "../../adapters/kit/http-body.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import { sendPage } from "../../core/html-page.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import type { ChannelStatus } from "../http.ts";
import { consoleLocale } from "../console/locale.ts";
import { pageLocale } from "../console/page-locale.ts";
import type { LiveChannels } from "../live-channels.ts";
import { setupPage } from "./setup-page.ts";

const addSchema = z.object({
  platform: z.string().min(1).max(40),
  id: z.string().max(32).optional(),
  env: z.record(z.string().regex(/^[A-Z][A-Z0-9_]{0,63}$/), z.string().max(4096)),
});
const removeSchema = z.object({ id: z.string().min(1).max(32) });

/**
 * `/admin/setup` and `/api/admin/channels/{setup,add,remove}`: the channels running now (with where each comes
 * from), a channel added with a live check and started at once, a channel added here removed and stopped.
 */
export function createSetupRoutes(deps: { live: LiveChannels; channels: () => Record<string, ChannelStatus>; locale: Locale }): HttpRoute[] {
  return [
    {
      method: "GET",
      path: "/admin/setup",
      isOwnerOnly: true,
      handle: (request, response) => sendPage(response, setupPage(pageLocale(request, response, deps.locale))),
    },
    {
      method: "GET",
      path: "/api/admin/channels/setup",
      isOwnerOnly: true,
      handle: (_request, response) => {
        const channels = Object.entries(deps.channels()).map(([id, health]) => {
          const source = deps.live.source(id);
          return { id, platform: health.platform ?? id, source, state: health.state, ...(health.detail ? { detail: health.detail } : {}), isRemovable: source === "store" };
        });
        sendJson(response, 200, { channels });
      },
    },
    {
      method: "POST",
      path: "/api/admin/channels/add",
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: z.infer<typeof addSchema>;
        try {
          body = await readJsonBody(request, addSchema, 64_000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        try {
          const added = await deps.live.add(body, consoleLocale(request, deps.locale).locale);
          sendJson(response, 200, added);
        } catch (error) {
          const failure = toBridgeError(error);
          sendJson(response, failure.code === "bad-input" || failure.code === "config" ? 400 : 502, { error: failure.message });
        }
      },
    },
    {
      method: "POST",
      path: "/api/admin/channels/remove",
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: z.infer<typeof removeSchema>;
        try {
          body = await readJsonBody(request, removeSchema, 10_000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        const outcome = await deps.live.remove(body.id);
        if (outcome === "removed") return sendJson(response, 200, { removed: body.id });
        if (outcome === "configured") return sendJson(response, 409, { error: `${body.id} comes from .env or PINCER_CONFIG: change it there and restart` });
        sendJson(response, 404, { error: `no channel ${body.id}` });
      },
    },
  ];
}
