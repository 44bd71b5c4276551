import { z } from "zod";
import { readJsonBody, sendJson } from "../../adapters/kit/http-body.ts";
import type { Approvals } from "../../core/approvals.ts";
import type { ApprovalStore } from "../../core/store/store.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { toBridgeError } from "../../core/types/errors.ts";

/** Who decides from the console, as the approval records it: the console's admin, deciding as from a direct chat. */
export const consoleApprover = { ref: "console:admin", role: "admin" as const };
const consoleChat: ConversationRef = { platform: "console", chatId: "admin", kind: "direct" };

const decisionSchema = z.object({ approve: z.boolean() });

export interface ApprovalRouteDeps {
  approvals: Approvals;
  store: ApprovalStore;
}

/**
 * `POST /api/admin/approvals/:id` `{approve}`: the chat's approval service decides (checks, settles once, wakes the
 * waiting run in this process; another process's run sees the store's decision when it polls).
 */
export function createApprovalRoutes(deps: ApprovalRouteDeps): HttpRoute[] {
  return [
    {
      method: "POST",
      path: "/api/admin/approvals/:id",
      isOwnerOnly: true,
      handle: async function decideApproval(request, response) {
        const id = decodeURIComponent(/\/api\/admin\/approvals\/([^/?]+)/.exec(request.url ?? "")?.[1] ?? "");
        let body: z.infer<typeof decisionSchema>;
        try {
          body = await readJsonBody(request, decisionSchema, 10_000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        const record = await deps.store.get(id);
        if (!record) return sendJson(response, 404, { error: `no approval request with id ${id}` });
        if (record.status !== "pending") return sendJson(response, 409, { error: `approval ${id} was already ${record.status}`, approval: record });
        const answer = await deps.approvals.decide({
          requestId: id,
          isApproved: body.approve,
          isAlways: false,
          approverRef: consoleApprover.ref,
          approverRole: consoleApprover.role,
          from: consoleChat,
        });
        const settled = await deps.store.get(id);
        const isDecided = settled?.status === (body.approve ? "approved" : "denied") && settled.decidedBy === consoleApprover.ref;
        sendJson(response, isDecided ? 200 : 409, { answer, approval: settled });
      },
    },
  ];
}
