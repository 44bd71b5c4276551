import type { IncomingMessage } from "node:http";
import { z } from "zod";

/** The request's query parameters as a plain object (the first value of each; empty ones left out, as not given). */
export function queryOf(request: IncomingMessage): Record<string, string> {
  const params = new URL(request.url ?? "/", "http://localhost").searchParams;
  const query: Record<string, string> = {};
  for (const [name, value] of params) if (!(name in query) && value.trim() !== "") query[name] = value;
  return query;
}

/** A time in a query: epoch milliseconds, or an ISO date or date-time (`2026-12-06`, `2026-12-06T18:00Z`; UTC when no zone). */
export const timeParam = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .transform((text, context) => {
    const at = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(/^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$/.test(text) ? `${text}${text.includes("T") ? "Z" : "T00:00:00Z"}` : text);
    if (!Number.isFinite(at)) {
      context.addIssue({ code: "custom", message: "expected epoch milliseconds or an ISO date such as 2026-12-06" });
      return z.NEVER;
    }
    return at;
  });

/** The first problem of a failed parse, as `field: message`. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join(".") || "query"}: ${issue.message}` : "bad query";
}
