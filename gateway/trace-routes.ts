import type { IncomingMessage } from "node:http";
import { sendJson } from "../adapters/kit/http-body.ts";
import { sendPage } from "../core/html-page.ts";
import { inboxKey, type TraceStore } from "../core/store/store.ts";
import { readTrace } from "../core/trace-read.ts";
import type { HttpRoute } from "../core/types/adapter.ts";
import { pageLocale } from "./console/page-locale.ts";
import { tracePage } from "./console/trace-page.ts";

export interface TraceRouteDeps {
  traces: TraceStore;
  /** Writes the spans still buffered in this process, so that a trace just made is complete. */
  flush(): Promise<void>;
}

/** Express puts the path's `:channel` and `:messageId` (decoded) on the request. */
function pathParams(request: IncomingMessage): { channel: string; messageId: string } {
  const params = (request as IncomingMessage & { params?: Record<string, string | undefined> }).params ?? {};
  return { channel: params.channel ?? "", messageId: params.messageId ?? "" };
}

async function traceOf(request: IncomingMessage, deps: TraceRouteDeps) {
  const { channel, messageId } = pathParams(request);
  await deps.flush();
  return { channel, messageId, trace: await readTrace(deps.traces, inboxKey(channel, messageId)) };
}

/** The trace of one inbound message, as JSON (`/api/admin/trace/…`) and as a console page (`/admin/trace/…`). */
export function createTraceRoutes(deps: TraceRouteDeps): HttpRoute[] {
  return [
    {
      method: "GET",
      path: "/api/admin/trace/:channel/:messageId",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const { channel, messageId, trace } = await traceOf(request, deps);
        if (trace.spans.length === 0) return sendJson(response, 404, { error: "no trace for this message", channel, messageId });
        sendJson(response, 200, { channel, messageId, ...trace, durationMs: trace.endedAt - trace.startedAt });
      },
    },
    {
      method: "GET",
      path: "/admin/trace/:channel/:messageId",
      isOwnerOnly: true,
      handle: async (request, response) => {
        const { channel, messageId, trace } = await traceOf(request, deps);
        sendPage(response, tracePage(trace, { locale: pageLocale(request, response), channel, messageId }));
      },
    },
  ];
}
