import type { ServerResponse } from "node:http";
import { sendJson } from "../../adapters/kit/http-body.ts";
import { sendPage } from "../../core/html-page.ts";
import { auditCursorOf, type AuditEntry, type AuditFilter } from "../../core/store/audit-log.ts";
import type { Store } from "../../core/store/store.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import { auditPage, type AuditPageFilters } from "./audit-page.ts";
import { auditQuery, encodeCursor, filterOf, type AuditQuery } from "./audit-query.ts";
import { csvRow, startDownload, writeChunk } from "./csv.ts";
import type { ConsoleDataDeps } from "./data-deps.ts";
import { pageLocale } from "./page-locale.ts";
import { firstIssue, queryOf } from "./query.ts";

/** The most rows one export holds; narrow the time range (`since`, `until`) for more. */
export const maxExportRows = 100_000;
const exportPageSize = 500;

/** One page, newest first, and the cursor of the next when there is one (one row more is read to know). */
async function auditPageOf(store: Store, query: AuditQuery): Promise<{ entries: AuditEntry[]; nextCursor: string | undefined }> {
  const found = await store.audit.list(filterOf(query), query.limit + 1, query.cursor);
  const entries = found.slice(0, query.limit);
  return { entries, nextCursor: found.length > query.limit ? encodeCursor(auditCursorOf(entries.at(-1)!)) : undefined };
}

/** Every matching entry, page by page (a cursor carries on where the last page ended), up to `maxExportRows`. */
async function* allEntries(store: Store, filter: AuditFilter): AsyncGenerator<AuditEntry> {
  let before: ReturnType<typeof auditCursorOf> | undefined;
  for (let count = 0; count < maxExportRows; ) {
    const page = await store.audit.list(filter, Math.min(exportPageSize, maxExportRows - count), before);
    for (const entry of page) yield entry;
    count += page.length;
    if (page.length < exportPageSize) return;
    before = auditCursorOf(page.at(-1)!);
  }
}

const csvHeader = ["time", "at", "kind", "run", "chat", "user", "agent", "outcome", "detail"];

function csvLine(entry: AuditEntry): string {
  const detail = entry.type === "event" ? JSON.stringify(entry.detail) : entry.detail;
  const outcome = entry.type === "run" ? entry.outcome : undefined;
  return csvRow([new Date(entry.at).toISOString(), entry.at, entry.kind, entry.runRef, entry.conversationKey, entry.senderId, entry.agentId, outcome, detail]);
}

async function sendExport(response: ServerResponse, store: Store, filter: AuditFilter, kind: "csv" | "jsonl"): Promise<void> {
  startDownload(response, kind, `pincer-audit.${kind}`);
  if (kind === "csv") await writeChunk(response, csvRow(csvHeader));
  for await (const entry of allEntries(store, filter)) await writeChunk(response, kind === "csv" ? csvLine(entry) : `${JSON.stringify(entry)}\n`);
  response.end();
}

/** The raw filters, for the page's form and links (as the person typed them). */
function pageFilters(raw: Record<string, string>): AuditPageFilters {
  const { limit, runRef, kind, user, chat, since, until } = raw;
  return { limit, runRef, kind, user, chat, since, until };
}

/**
 * The console's Audit log: `GET /admin/audit`, `GET /api/admin/audit` (filters `runRef`, `kind`, `user`, `chat`,
 * `since`, `until`; `cursor`, `limit`), and the same filters exported as `GET /api/admin/audit.csv` or `.jsonl`.
 */
export function createAuditRoutes(deps: ConsoleDataDeps): HttpRoute[] {
  const { store } = deps;
  const exportRoute = (kind: "csv" | "jsonl"): HttpRoute => ({
    method: "GET",
    path: `/api/admin/audit.${kind}`,
    isOwnerOnly: true,
    handle: async (request, response) => {
      const query = auditQuery.safeParse(queryOf(request));
      if (!query.success) return sendJson(response, 400, { error: firstIssue(query.error) });
      await sendExport(response, store, filterOf(query.data), kind);
    },
  });
  return [
    {
      method: "GET",
      path: "/admin/audit",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const raw = queryOf(request);
        const locale = pageLocale(request, response, deps.locale);
        const query = auditQuery.safeParse(raw);
        const filters = pageFilters(raw);
        if (!query.success) {
          return sendPage(response, auditPage({ locale, filters, entries: [], nextCursor: undefined, isPaged: false, error: firstIssue(query.error) }));
        }
        const { entries, nextCursor } = await auditPageOf(store, query.data);
        sendPage(response, auditPage({ locale, filters, entries, nextCursor, isPaged: query.data.cursor !== undefined }));
      },
    },
    {
      method: "GET",
      path: "/api/admin/audit",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const query = auditQuery.safeParse(queryOf(request));
        if (!query.success) return sendJson(response, 400, { error: firstIssue(query.error) });
        const { entries, nextCursor } = await auditPageOf(store, query.data);
        sendJson(response, 200, { entries, ...(nextCursor ? { nextCursor } : {}) });
      },
    },
    exportRoute("csv"),
    exportRoute("jsonl"),
  ];
}
