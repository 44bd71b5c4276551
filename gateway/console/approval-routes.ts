import { z } from "zod";
import { readJsonBody, sendJson } from "../../adapters/kit/http-body.ts";
import type { Approvals } from "../../core/approvals.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import type { ApprovalRecord, ApprovalStatus, Store } from "../../core/store/store.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { toBridgeError } from "../../core/types/errors.ts";
import { approvalsPage } from "./approvals-page.ts";
import { consoleApproverRef, consoleContext, sendConsolePage } from "./page-context.ts";
import type { ConsoleSessions } from "./session.ts";

export interface ApprovalRoutesDeps {
  store: Store;
  approvals: Approvals;
  sessions: ConsoleSessions;
  defaultLocale?: Locale;
  now?: () => number;
}

const statuses = ["pending", "approved", "denied", "expired", "cancelled"] as const satisfies readonly ApprovalStatus[];
const listQuery = z.object({
  status: z.enum([...statuses, "all"]).default("pending"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const decisionSchema = z.object({ approve: z.boolean() });

/** A pending request whose time ran out is pending in the store until its waiter settles it: shown as expired. */
const isLive = (record: ApprovalRecord, at: number) => record.status !== "pending" || record.expiresAt > at;

async function listApprovals(store: Store, filter: z.infer<typeof listQuery>, at: number): Promise<ApprovalRecord[]> {
  const records = await store.approvals.list({ ...(filter.status === "all" ? {} : { status: filter.status }), limit: filter.limit });
  return filter.status === "pending" ? records.filter((record) => isLive(record, at)) : records;
}

/** The id in `/api/admin/approvals/<id>`. */
const idOf = (url: string | undefined) => decodeURIComponent(/\/api\/admin\/approvals\/([^/?]+)/i.exec(url ?? "")?.[1] ?? "");

/**
 * `/admin/approvals` and its API: the requests of every chat; a decision goes through the same approval service as
 * `/approve` in a chat (so the waiting run continues), recorded with the console user as approver.
 */
export function createApprovalRoutes(deps: ApprovalRoutesDeps): HttpRoute[] {
  const now = deps.now ?? Date.now;
  return [
    {
      method: "GET",
      path: "/admin/approvals",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const context = await consoleContext(request, deps.sessions, deps.defaultLocale);
        const isPendingOnly = new URL(request.url ?? "/", "http://localhost").searchParams.get("status") !== "all";
        const at = now();
        const records = await listApprovals(deps.store, { status: isPendingOnly ? "pending" : "all", limit: 200 }, at);
        sendConsolePage(response, approvalsPage({ locale: context.locale, user: context.user, records, isPendingOnly, at }), context);
      },
    },
    {
      method: "GET",
      path: "/api/admin/approvals",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const query = listQuery.safeParse(Object.fromEntries(new URL(request.url ?? "/", "http://localhost").searchParams));
        if (!query.success) return sendJson(response, 400, { error: `status must be one of ${[...statuses, "all"].join(", ")}; limit 1 to 500` });
        sendJson(response, 200, { approvals: await listApprovals(deps.store, query.data, now()) });
      },
    },
    {
      method: "POST",
      path: "/api/admin/approvals/:id",
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: z.infer<typeof decisionSchema>;
        try {
          body = await readJsonBody(request, decisionSchema, 1000);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        const { user } = await consoleContext(request, deps.sessions, deps.defaultLocale);
        const result = await deps.approvals.decideFromConsole({ requestId: idOf(request.url), isApproved: body.approve, approverRef: consoleApproverRef(user) });
        switch (result.type) {
          case "decided":
            return sendJson(response, 200, { approval: result.record });
          case "not-found":
            return sendJson(response, 404, { error: "no approval request with that id" });
          case "already-decided":
            return sendJson(response, 409, { error: `already ${result.record.status}`, approval: result.record });
          case "expired":
            return sendJson(response, 409, { error: "expired", approval: result.record });
        }
      },
    },
  ];
}
