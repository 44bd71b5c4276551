import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson } from "../../adapters/kit/http-body.ts";
import type { HtmlPage } from "../../core/html-page.ts";
import { sendPage } from "../../core/html-page.ts";
import type { HttpRoute } from "../../core/types/adapter.ts";
import {
  conversationKeyOf, conversationMessages, listConversations, newConversationSession, parseListQuery, parseMessagesQuery,
  stopConversationRun, type ConversationDataDeps,
} from "./conversation-data.ts";
import { conversationDetailPage, conversationListPage } from "./conversations-page.ts";
import { pageLocale } from "./page-locale.ts";

function sendPageWith(response: ServerResponse, status: number, page: HtmlPage): void {
  if (status === 200) return sendPage(response, page);
  response.writeHead(status, page.headers);
  response.end(page.html);
}

const apiPrefix = "/api/admin/conversations/";
const pagePrefix = "/admin/conversations/";

/** The conversations' JSON API and pages (owner only): list with search, one conversation, stop its run, new session. */
export function createConversationRoutes(deps: ConversationDataDeps): HttpRoute[] {
  const keyOr400 = (request: IncomingMessage, response: ServerResponse, prefix: string) => {
    const key = conversationKeyOf(request, prefix);
    if (!key) sendJson(response, 400, { error: "conversation key missing or malformed" });
    return key;
  };
  return [
    {
      method: "GET",
      path: "/api/admin/conversations",
      isOwnerOnly: true,
      handle: async function listConversationsApi(request, response) {
        const parsed = parseListQuery(request);
        if ("error" in parsed) return sendJson(response, 400, { error: parsed.error });
        sendJson(response, 200, await listConversations(deps, parsed.query));
      },
    },
    {
      method: "GET",
      path: "/api/admin/conversations/:key",
      isOwnerOnly: true,
      handle: async function conversationApi(request, response) {
        const key = keyOr400(request, response, apiPrefix);
        if (!key) return;
        const parsed = parseMessagesQuery(request);
        if ("error" in parsed) return sendJson(response, 400, { error: parsed.error });
        const page = await conversationMessages(deps, key, parsed.query);
        if (!page.conversation && page.messages.length === 0) return sendJson(response, 404, { error: `no conversation ${key}` });
        sendJson(response, 200, page);
      },
    },
    {
      method: "POST",
      path: "/api/admin/conversations/:key/stop",
      isOwnerOnly: true,
      handle: async function stopRunApi(request, response) {
        const key = keyOr400(request, response, apiPrefix);
        if (key) sendJson(response, 200, await stopConversationRun(deps, key));
      },
    },
    {
      method: "POST",
      path: "/api/admin/conversations/:key/new-session",
      isOwnerOnly: true,
      handle: async function newSessionApi(request, response) {
        const key = keyOr400(request, response, apiPrefix);
        if (key) sendJson(response, 200, await newConversationSession(deps, key));
      },
    },
    {
      method: "GET",
      path: "/admin/conversations",
      isOwnerOnly: true,
      handle: async function conversationListHtml(request, response) {
        const parsed = parseListQuery(request);
        const query = "error" in parsed ? { limit: 50 } : parsed.query;
        const search = "error" in parsed ? undefined : parsed.query.search;
        sendPage(response, conversationListPage(pageLocale(request, response), await listConversations(deps, query), search));
      },
    },
    {
      method: "GET",
      path: "/admin/conversations/:key",
      isOwnerOnly: true,
      handle: async function conversationHtml(request, response) {
        const key = conversationKeyOf(request, pagePrefix);
        const parsed = parseMessagesQuery(request);
        const query = "error" in parsed ? { limit: 50 } : parsed.query;
        const page = key ? await conversationMessages(deps, key, query) : { conversation: undefined, messages: [], nextBefore: undefined };
        const isKnown = page.conversation !== undefined || page.messages.length > 0;
        sendPageWith(response, isKnown ? 200 : 404, conversationDetailPage(pageLocale(request, response), key ?? "", page));
      },
    },
  ];
}
