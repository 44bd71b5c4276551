import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendPage } from "../../core/html-page.ts";
import { readBody, readJsonBody, sendJson } from "../kit/http-body.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import type { Adapter, ChannelHealth, FetchedMedia, InboundSink } from "../../core/types/adapter.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { BridgeError, toBridgeError } from "../../core/types/errors.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import type { SessionMessage } from "../../core/types/agent.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { Broadcast } from "../../core/store/broadcast.ts";
import type { FileStore } from "../../core/store/file-store.ts";
import { toInboundMessage, webMessageSchema, type WebMessage } from "./inbound.ts";
import { chatPage } from "./page.ts";
import { createWebRelay } from "./relay.ts";
import { createSubscribers } from "./subscribers.ts";
import { createUploads, type UploadMeta } from "./uploads.ts";

export interface WebAdapterDeps {
  logger: Logger;
  /** Where attached files wait for the run that uses them. */
  uploadDir: string;
  /** Larger uploads are refused with 413 (MEDIA_MAX_BYTES). */
  maxUploadBytes: number;
  /** The conversation's session so far, so a reloaded page shows it (the store's, wired by the gateway). */
  history?: (conversation: ConversationRef) => Promise<SessionMessage[]>;
  now?: () => number;
  /** Interval of SSE keep-alive comments, which keep proxies from closing an idle stream. */
  keepAliveMs?: number;
  /** The store's publish/subscribe: a page connected to this process sees replies another process sends. */
  broadcast?: Broadcast;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media). */
  storedFiles?: Pick<FileStore, "get">;
}

/** The built-in web chat: a page at `/`, a JSON API to post and an SSE stream to watch replies. */
export function createWebAdapter(deps: WebAdapterDeps): Adapter {
  const now = deps.now ?? Date.now;
  const subscribers = createSubscribers();
  const relay = createWebRelay({ broadcast: deps.broadcast, logger: deps.logger, deliver: (conversationId, event) => subscribers.publish(conversationId, event) });
  let sink: InboundSink | undefined;
  let health: ChannelHealth = { state: "starting" };
  let keepAlive: NodeJS.Timeout | undefined;
  const uploads = createUploads(deps.uploadDir);

  const upload = async (request: IncomingMessage, response: ServerResponse) => {
    let bytes: Buffer;
    try {
      bytes = await readBody(request, deps.maxUploadBytes);
    } catch (error) {
      return sendJson(response, 413, { error: error instanceof BridgeError ? error.message : "upload failed" });
    }
    if (bytes.length === 0) return sendJson(response, 400, { error: "empty upload" });
    const mimeType = (request.headers["content-type"] ?? "application/octet-stream").split(";")[0]!.trim();
    let fileName: string;
    try {
      fileName = decodeURIComponent(String(request.headers["x-file-name"] ?? "file")).slice(0, 255);
    } catch {
      return sendJson(response, 400, { error: "X-File-Name: expected a percent-encoded file name" });
    }
    sendJson(response, 201, await uploads.save(bytes, mimeType, fileName));
  };

  const postMessage = async (request: IncomingMessage, response: ServerResponse) => {
    if (!sink) return sendJson(response, 503, { error: "web chat is not started" });
    let body: WebMessage;
    try {
      body = await readJsonBody(request, webMessageSchema, 100_000);
    } catch (error) {
      return sendJson(response, 400, { error: toBridgeError(error).message });
    }
    const found = await Promise.all(body.attachments.map((id) => uploads.find(id)));
    if (found.some((meta) => meta === undefined)) return sendJson(response, 400, { error: "attachments: unknown upload id" });
    const receipt = await sink.receive(toInboundMessage(body, found as UploadMeta[], now()));
    sendJson(response, 202, receipt);
  };

  const fetchMedia = async (ref: MediaRef): Promise<FetchedMedia> => {
    const meta = await uploads.find(ref.id);
    if (!meta) throw new BridgeError("bad-input", "That attachment is no longer available.");
    return { bytes: await uploads.read(ref.id), mimeType: meta.mimeType, fileName: meta.fileName };
  };

  /** A file the agent sends (from the host or the shared store) is copied among the uploads and shown with a link the page can open. */
  const servable = async (part: ReplyPart): Promise<ReplyPart> => {
    if (part.type !== "file" && part.type !== "image" && part.type !== "audio") return part;
    if (part.media.platform !== "local" && part.media.platform !== "stored") return part;
    const file = await readReplyMedia(part.media, fetchMedia, deps.maxUploadBytes, deps.storedFiles);
    const saved = await uploads.save(file.bytes, file.mimeType, file.fileName ?? "file");
    return { ...part, media: { platform: "web", id: saved.id, url: `/api/web/files/${saved.id}`, mimeType: saved.mimeType, sizeBytes: saved.sizeBytes, fileName: saved.fileName } };
  };

  const serveFile = async (request: IncomingMessage, response: ServerResponse) => {
    const id = new URL(request.url ?? "/", "http://localhost").pathname.split("/").at(-1) ?? "";
    const meta = await uploads.find(id);
    if (!meta) return sendJson(response, 404, { error: "no such file" });
    const bytes = await uploads.read(id);
    // Whatever the file claims to be, it never runs as a page of this origin: a download, sandboxed.
    const isShownInline = /^image\/(png|jpeg|gif|webp|avif|bmp)$|^audio\//.test(meta.mimeType);
    response.writeHead(200, {
      "content-type": meta.mimeType,
      "content-length": bytes.length,
      "content-disposition": `${isShownInline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(meta.fileName)}`,
      "content-security-policy": "sandbox",
      "x-content-type-options": "nosniff",
    });
    response.end(bytes);
  };

  const showHistory = async (request: IncomingMessage, response: ServerResponse) => {
    const conversationId = new URL(request.url ?? "/", "http://localhost").searchParams.get("conversationId");
    if (!conversationId || !/^[A-Za-z0-9_-]{1,64}$/.test(conversationId)) {
      return sendJson(response, 400, { error: "conversationId: expected 1-64 letters, digits, _ or -" });
    }
    const messages = (await deps.history?.({ platform: "web", chatId: conversationId, kind: "direct" })) ?? [];
    sendJson(response, 200, { messages: messages.map(({ role, text }) => ({ role, text })) });
  };

  const watch = (request: IncomingMessage, response: ServerResponse) => {
    const query = new URL(request.url ?? "/", "http://localhost").searchParams;
    const conversationId = query.get("conversationId");
    if (!conversationId || !/^[A-Za-z0-9_-]{1,64}$/.test(conversationId)) {
      return sendJson(response, 400, { error: "conversationId: expected 1-64 letters, digits, _ or -" });
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    response.write(": connected\n\n");
    const lastEventId = Number(request.headers["last-event-id"] ?? query.get("lastEventId") ?? Number.NaN);
    subscribers.add(conversationId, response, Number.isSafeInteger(lastEventId) ? lastEventId : undefined);
  };

  return {
    platform: "web",
    capabilities: { maxTextLength: 20_000, minEditIntervalMs: 100, hasButtons: true, hasVoiceOut: true },
    routes: [
      {
        method: "GET",
        path: "/",
        isOwnerOnly: false,
        handle: (_request, response) => sendPage(response, chatPage),
      },
      { method: "POST", path: "/api/web/messages", isOwnerOnly: true, handle: postMessage },
      { method: "POST", path: "/api/web/uploads", isOwnerOnly: true, body: "file", handle: upload },
      { method: "GET", path: "/api/web/files/:id", isOwnerOnly: true, isQueryTokenAccepted: true, handle: serveFile },
      { method: "GET", path: "/api/web/events", isOwnerOnly: true, isQueryTokenAccepted: true, handle: watch },
      { method: "GET", path: "/api/web/history", isOwnerOnly: true, handle: showHistory },
    ],
    async start(inboundSink) {
      sink = inboundSink;
      await relay.start();
      keepAlive = setInterval(() => subscribers.ping(), deps.keepAliveMs ?? 15_000);
      health = { state: "ready" };
    },
    async stop() {
      clearInterval(keepAlive);
      relay.stop();
      subscribers.closeAll();
      sink = undefined;
      health = { state: "stopped" };
    },
    health: () => health,
    async send(to, part) {
      const messageId = randomUUID();
      await relay.emit(to.chatId, { type: "message", messageId, part: await servable(part) });
      return { conversation: to, messageId };
    },
    async edit(sent, part) {
      await relay.emit(sent.conversation.chatId, { type: "edit", messageId: sent.messageId, part });
    },
    fetchMedia,
    async showTyping(to) {
      await relay.emit(to.chatId, { type: "typing" });
    },
  };
}
