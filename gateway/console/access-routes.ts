import { z } from "zod";
import { readJsonBody, sendJson } from "../../adapters/kit/http-body.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import type { Store } from "../../core/store/store.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import { accessPage, type ConfiguredAccess } from "./access-page.ts";
import { consoleContext, sendConsolePage } from "./page-context.ts";
import type { ConsoleSessions } from "./session.ts";

export interface AccessRoutesDeps {
  store: Store;
  sessions: ConsoleSessions;
  configured: ConfiguredAccess;
  defaultLocale?: Locale;
  now?: () => number;
}

/** A person (`userId`) or a group (`chatId`) on a channel (`platform`, the channel id, as in the pairing API). */
const revokeSchema = z
  .object({ platform: z.string().min(1).max(200), userId: z.string().min(1).max(500).optional(), chatId: z.string().min(1).max(500).optional() })
  .refine((body) => (body.userId === undefined) !== (body.chatId === undefined), { message: "give either userId (a person) or chatId (a group)" });

const pairedLimit = 500;

/** `/admin/access` and its API: pending codes, paired people and groups (revoke), the configured allowlists. */
export function createAccessRoutes(deps: AccessRoutesDeps): HttpRoute[] {
  const now = deps.now ?? Date.now;
  const read = async () => {
    const [pending, paired] = await Promise.all([deps.store.pairing.listPending(now()), deps.store.pairing.listApproved(pairedLimit)]);
    return { pending, paired };
  };
  return [
    {
      method: "GET",
      path: "/admin/access",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const context = await consoleContext(request, deps.sessions, deps.defaultLocale);
        sendConsolePage(response, accessPage({ locale: context.locale, user: context.user, ...(await read()), configured: deps.configured }), context);
      },
    },
    {
      method: "GET",
      path: "/api/admin/access",
      isOwnerOnly: true,
      handle: async (_request, response) => sendJson(response, 200, { ...(await read()), configured: deps.configured }),
    },
    {
      method: "POST",
      path: "/api/admin/pairing/revoke",
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: z.infer<typeof revokeSchema>;
        try {
          body = await readJsonBody(request, revokeSchema, 10_000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        const isRevoked = await deps.store.pairing.revoke({ platform: body.platform, chatId: body.chatId, userId: body.userId ?? "" });
        if (!isRevoked) return sendJson(response, 404, { error: "nobody paired under that id" });
        sendJson(response, 200, { revoked: { platform: body.platform, ...(body.chatId ? { chatId: body.chatId } : { userId: body.userId }) } });
      },
    },
  ];
}
