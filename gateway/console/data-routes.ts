import type { HttpRoute } from "../../core/types/adapter.ts";
import { createAuditRoutes } from "./audit-routes.ts";
import type { ConsoleDataDeps } from "./data-deps.ts";
import { createJobsPageRoutes } from "./jobs-routes.ts";
import { createUsageRoutes } from "./usage-routes.ts";

export type { ConsoleDataDeps } from "./data-deps.ts";

/** The console's Usage, Jobs and Audit log pages with their JSON API (every route the owner's only). */
export function createConsoleDataRoutes(deps: ConsoleDataDeps): HttpRoute[] {
  return [...createUsageRoutes(deps), ...createJobsPageRoutes(deps), ...createAuditRoutes(deps)];
}
