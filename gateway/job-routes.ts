import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { Delivery } from "../core/delivery.ts";
import { readBody, readJsonBody, sendJson } from "../adapters/kit/http-body.ts";
import type { JobService } from "../core/jobs/service.ts";
import type { Store } from "../core/store/store.ts";
import type { Adapter, HttpRoute } from "../core/types/adapter.ts";
import { conversationKey, type ConversationRef } from "../core/types/conversation.ts";
import { toBridgeError } from "../core/types/errors.ts";
import type { Logger } from "../core/types/logger.ts";

const sendSchema = z.object({
  channel: z.string().min(1),
  chatId: z.string().min(1),
  text: z.string().min(1).max(20_000),
  kind: z.enum(["direct", "group"]).optional(),
  threadId: z.string().min(1).optional(),
  attachments: z.array(z.object({ url: z.url(), name: z.string().min(1).max(200).optional() })).max(10).optional(),
});

const jobActionSchema = z.object({ id: z.string().regex(/^[a-z0-9]{4,6}$/), action: z.enum(["cancel", "pause", "resume", "run"]) });

const maxHookBytes = 64 * 1024;

function bearer(request: IncomingMessage): string {
  return /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? "")?.[1] ?? "";
}

export interface JobRoutesDeps {
  store: Store;
  jobs: JobService;
  delivery: Delivery;
  adapters: ReadonlyMap<string, Adapter>;
  logger: Logger;
}

/** Where a message of the operator may go: a chat the bot has a conversation or a job in. */
async function isKnownChat(store: Store, to: ConversationRef): Promise<boolean> {
  const key = conversationKey(to);
  return (await store.sessions.history(key, 1)).length > 0 || (await store.jobs.list({ conversationKey: key })).length > 0;
}

/**
 * `POST /api/admin/send` (the operator posts through the outbox, once per `Idempotency-Key`), the admin's view of
 * every job, and `POST /api/hooks/<id>` (a job run now, authenticated by the job's own secret, not the admin token).
 */
export function createJobRoutes(deps: JobRoutesDeps): HttpRoute[] {
  const { store, jobs, delivery, adapters, logger } = deps;
  return [
    {
      method: "POST",
      path: "/api/admin/send",
      isOwnerOnly: true,
      handle: async (request, response) => {
        let body: z.infer<typeof sendSchema>;
        try {
          body = await readJsonBody(request, sendSchema, 256 * 1024);
        } catch (error) {
          return sendJson(response, 400, { error: toBridgeError(error).message });
        }
        const adapter = adapters.get(body.channel);
        if (!adapter) return sendJson(response, 400, { error: `channel: unknown channel "${body.channel}"; channels: ${[...adapters.keys()].join(", ")}` });
        const to: ConversationRef = { platform: adapter.platform, channelId: body.channel, chatId: body.chatId, kind: body.kind ?? "direct", ...(body.threadId ? { threadId: body.threadId } : {}) };
        if (!(await isKnownChat(store, to))) {
          return sendJson(response, 400, { error: `chatId: Pincer has no conversation with chat "${body.chatId}" on ${body.channel}` });
        }
        const idempotencyKey = request.headers["idempotency-key"];
        const key = typeof idempotencyKey === "string" && idempotencyKey ? idempotencyKey.slice(0, 200) : randomUUID();
        const links = (body.attachments ?? []).map((attachment) => `[${attachment.name ?? attachment.url}](${attachment.url})`);
        const text = [body.text, ...links].join("\n");
        const delivered = await delivery.send(`admin-send:${key}`, to, { type: "markdown", text });
        logger.info({ channel: body.channel, chatId: body.chatId, key, wasSentBefore: delivered?.wasSentBefore }, "operator message");
        if (!delivered) return sendJson(response, 202, { status: "queued", idempotencyKey: key });
        return sendJson(response, 200, { status: "sent", messageId: delivered.sent.messageId, wasSentBefore: delivered.wasSentBefore, idempotencyKey: key });
      },
    },
    {
      method: "GET",
      path: "/api/admin/jobs",
      isOwnerOnly: true,
      handle: async (_request, response) => sendJson(response, 200, { jobs: (await jobs.list()).map(({ secretHash: _secretHash, ...job }) => job) }),
    },
    {
      method: "POST",
      path: "/api/admin/jobs",
      isOwnerOnly: true,
      handle: async (request, response) => {
        try {
          const body = await readJsonBody(request, jobActionSchema, 4096);
          if (body.action === "run") {
            const started = await jobs.runNow(body.id);
            if (!started) return sendJson(response, 404, { error: `no job ${body.id}` });
            if (started.type === "refused") return sendJson(response, 409, { error: started.reason });
            logger.info({ job: body.id, run: started.runId }, "job run now by the admin");
            return sendJson(response, 202, { answer: `Started a run of job ${body.id} now (one-off job ${started.runId}).`, run: started.runId });
          }
          const answer = await jobs.change(body.id, body.action, { userRef: "admin-api", role: "owner", conversationKey: undefined });
          sendJson(response, 200, { answer });
        } catch (error) {
          sendJson(response, 400, { error: toBridgeError(error).message });
        }
      },
    },
    {
      method: "POST",
      path: "/api/hooks/:jobId",
      isOwnerOnly: false,
      isSelfAuthenticated: true,
      handle: async (request, response) => {
        const id = decodeURIComponent(/\/api\/hooks\/([^/?]+)/i.exec(request.url ?? "")?.[1] ?? "").toLowerCase();
        let payload: string;
        try {
          payload = (await readBody(request, maxHookBytes)).toString("utf8");
        } catch (error) {
          return sendJson(response, 413, { error: toBridgeError(error).message });
        }
        const started = await jobs.trigger(id, bearer(request), payload.trim());
        if (!started) {
          logger.warn({ job: id }, "job hook called without its secret");
          return sendJson(response, 401, { error: "Authorization: Bearer <the job's secret> required" });
        }
        if (started.type === "refused") return sendJson(response, 409, { error: started.reason });
        sendJson(response, 202, { status: "started", run: started.runId });
      },
    },
  ];
}
