import { z } from "zod";
import { readJsonBody, sendJson } from "../adapters/kit/http-body.ts";
import type { HttpRoute } from "../core/types/adapter.ts";
import { toBridgeError } from "../core/types/errors.ts";
import type { LoginFlow } from "./login-flow.ts";

const codeSchema = z.object({ code: z.string().trim().min(1).max(20) });

/**
 * A platform's QR login over the admin API (`/api/admin/<platform>/login`): start it, watch it (with the
 * QR code as SVG), answer a code.
 */
export function loginRoutes(platform: { platform: string; displayName: string }, flow: LoginFlow): HttpRoute[] {
  const path = `/api/admin/${platform.platform}/login`;
  return [
    {
      method: "POST",
      path,
      isOwnerOnly: true,
      handle: (_request, response) => sendJson(response, 202, flow.start()),
    },
    {
      method: "GET",
      path,
      isOwnerOnly: true,
      handle: (_request, response) => sendJson(response, 200, flow.status()),
    },
    {
      method: "POST",
      path: `${path}/code`,
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: z.infer<typeof codeSchema>;
        try {
          body = await readJsonBody(request, codeSchema, 1000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        if (!flow.submitCode(body.code)) return sendJson(response, 409, { error: `${platform.displayName} is not asking for a code` });
        sendJson(response, 202, flow.status());
      },
    },
  ];
}
