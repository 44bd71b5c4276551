import { z } from "zod";
import { sendJson } from "../../adapters/kit/http-body.ts";
import { startOfDay } from "../../core/budget.ts";
import { sendPage } from "../../core/html-page.ts";
import { dayMs, usageDimensions } from "../../core/store/usage-report.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { csvRow, startDownload, writeChunk } from "./csv.ts";
import type { ConsoleDataDeps } from "./data-deps.ts";
import { formatDay } from "./report-format.ts";
import { pageLocale } from "./page-locale.ts";
import { firstIssue, queryOf, timeParam } from "./query.ts";
import { dailyUsage, usageBreakdown } from "./usage-data.ts";
import { usagePage, usageWindows, type UsageWindow } from "./usage-page.ts";

const daysParam = z.coerce.number().int().min(1).max(366).default(30);
const dailyQuery = z.object({ days: daysParam });
const breakdownQuery = z.object({
  by: z.enum(usageDimensions).default("user"),
  since: timeParam.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const pageQuery = z.object({ window: z.enum(usageWindows).catch("today") });

const windowStart = (window: UsageWindow, now: number): number =>
  startOfDay(now) - (window === "today" ? 0 : (window === "7d" ? 6 : 29) * dayMs);

/**
 * The console's Usage page and its JSON: `GET /api/admin/usage/daily?days=30`, `GET /api/admin/usage/breakdown`
 * (`by=user|chat|model`, `since=`, `limit=`) and `GET /api/admin/usage.csv?days=30`.
 */
export function createUsageRoutes(deps: ConsoleDataDeps): HttpRoute[] {
  const { store, budget } = deps;
  const now = deps.now ?? Date.now;
  return [
    {
      method: "GET",
      path: "/admin/usage",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const at = now();
        const { window } = pageQuery.parse(queryOf(request));
        const since = windowStart(window, at);
        const breakdowns = await Promise.all(usageDimensions.map((by) => usageBreakdown(store.usage, budget, by, since, 50, at)));
        const days = await dailyUsage(store.usage, 30, at);
        sendPage(response, usagePage({ locale: pageLocale(request, response, deps.locale), days, window, breakdowns, budget }));
      },
    },
    {
      method: "GET",
      path: "/api/admin/usage/daily",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const query = dailyQuery.safeParse(queryOf(request));
        if (!query.success) return sendJson(response, 400, { error: firstIssue(query.error) });
        sendJson(response, 200, { days: await dailyUsage(store.usage, query.data.days, now()) });
      },
    },
    {
      method: "GET",
      path: "/api/admin/usage/breakdown",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const query = breakdownQuery.safeParse(queryOf(request));
        if (!query.success) return sendJson(response, 400, { error: firstIssue(query.error) });
        const at = now();
        const { by, since = startOfDay(at), limit } = query.data;
        sendJson(response, 200, await usageBreakdown(store.usage, budget, by, since, limit, at));
      },
    },
    {
      method: "GET",
      path: "/api/admin/usage.csv",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const query = dailyQuery.safeParse(queryOf(request));
        if (!query.success) return sendJson(response, 400, { error: firstIssue(query.error) });
        const at = now();
        const since = startOfDay(at) - (query.data.days - 1) * dayMs;
        const rows = await store.usage.rollup(since, startOfDay(at) + dayMs);
        startDownload(response, "csv", `pincer-usage-${formatDay(since)}-${formatDay(at)}.csv`);
        await writeChunk(response, csvRow(["day", "user", "chat", "model", "calls", "input_tokens", "output_tokens", "cost_usd"]));
        for (const row of rows) {
          await writeChunk(response, csvRow([formatDay(row.dayStart), row.userRef, row.conversationKey, row.model, row.calls, row.inputTokens, row.outputTokens, Number(row.costUsd.toFixed(6))]));
        }
        response.end();
      },
    },
  ];
}
