import { z } from "zod";
import type { AuditCursor, AuditFilter } from "../../core/store/audit-log.ts";
import { timeParam } from "./query.ts";

/** A page's end as the API hands it out: opaque base64url text. */
export const encodeCursor = (cursor: AuditCursor): string => Buffer.from(JSON.stringify([cursor.at, cursor.seq, cursor.runRef])).toString("base64url");

const cursorParam = z
  .string()
  .max(600)
  .transform((text, context) => {
    const parsed = z
      .tuple([z.number().int().nonnegative(), z.number().int().nonnegative(), z.string().max(300)])
      .safeParse((() => {
        try {
          return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
        } catch {
          return undefined;
        }
      })());
    if (!parsed.success) {
      context.addIssue({ code: "custom", message: "not a cursor this API handed out" });
      return z.NEVER;
    }
    const [at, seq, runRef] = parsed.data;
    return { at, seq, runRef } satisfies AuditCursor;
  });

/** `GET /api/admin/audit` and its exports: every filter optional. */
export const auditQuery = z.object({
  runRef: z.string().trim().max(200).optional(),
  kind: z.string().trim().max(64).regex(/^[A-Za-z0-9_.:-]+$/, "letters, digits, _ . : - only").optional(),
  user: z.string().trim().max(300).optional(),
  chat: z.string().trim().max(500).optional(),
  since: timeParam.optional(),
  until: timeParam.optional(),
  cursor: cursorParam.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.infer<typeof auditQuery>;

export function filterOf(query: AuditQuery): AuditFilter {
  return {
    ...(query.runRef ? { runRef: query.runRef } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
    ...(query.user ? { senderId: query.user } : {}),
    ...(query.chat ? { conversationKey: query.chat } : {}),
    ...(query.since !== undefined ? { since: query.since } : {}),
    ...(query.until !== undefined ? { until: query.until } : {}),
  };
}
