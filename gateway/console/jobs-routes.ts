import { sendPage } from "../../core/html-page.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import type { ConsoleDataDeps } from "./data-deps.ts";
import { jobsPage } from "./jobs-page.ts";
import { pageLocale } from "./page-locale.ts";

/** The console's Jobs page; its buttons post to `POST /api/admin/jobs` (gateway/job-routes.ts). */
export function createJobsPageRoutes(deps: ConsoleDataDeps): HttpRoute[] {
  return [
    {
      method: "GET",
      path: "/admin/jobs",
      isOwnerOnly: true,
      handle: async (request, response) => sendPage(response, jobsPage(await deps.jobs.list(), pageLocale(request, response, deps.locale))),
    },
  ];
}
