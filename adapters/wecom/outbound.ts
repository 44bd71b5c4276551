import { generateReqId, type TemplateCard, type WeComMediaType, type WSClient } from "@wecom/aibot-node-sdk";
import type { FileStore } from "../../core/store/file-store.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import type { EditOptions, FetchedMedia, SendOptions, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { Button, ReplyPart } from "../../core/types/reply.ts";
import { toWecomMarkdown, truncateUtf8 } from "./markdown.ts";
import { errorText } from "../../core/render/fallbacks.ts";
import type { ReplyContexts } from "./reply-contexts.ts";

/** WeCom's limit on a stream's and a Markdown message's content. */
export const maxContentBytes = 20_480;
/** WeCom ends a stream 6 minutes after the user's message; ours is finished a little before. */
const streamDeadlineMs = 5.5 * 60_000;
/** Uploaded media: 512 KB chunks, at most 100. */
const maxUploadBytes = 50 * 1024 * 1024;

type Client = Pick<WSClient, "replyStream" | "replyTemplateCard" | "sendMessage" | "uploadMedia" | "replyMedia" | "sendMediaMessage">;

/** A message whose text may still change: a stream bound to a req_id, or a push held back until its text is final. */
type OpenMessage =
  | { kind: "stream"; to: ConversationRef; reqId: string; streamId: string; text: string; isClosed: boolean; timer: NodeJS.Timeout }
  | { kind: "held"; to: ConversationRef; text: string; timer: NodeJS.Timeout };

export interface OutboundDeps {
  client: Client;
  contexts: ReplyContexts;
  logger: Logger;
  now: () => number;
  fetchOwn: (ref: MediaRef) => Promise<FetchedMedia>;
  /** MEDIA_MAX_BYTES; WeCom's own limit (50 MB) applies too. */
  maxMediaBytes: number;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media). */
  storedFiles?: Pick<FileStore, "get"> | undefined;
  /** A held push that never got its final edit is sent after this. */
  holdMs?: number;
}

/** WeCom acknowledges every frame; a failed ack arrives as the frame itself (`errcode`), a lost connection as an Error. */
export function toWecomError(thrown: unknown, what: string): BridgeError {
  if (thrown instanceof BridgeError) return thrown;
  if (thrown && typeof thrown === "object" && "errcode" in thrown) {
    const { errcode, errmsg } = thrown as { errcode: number; errmsg?: string };
    const message = `${what} failed: ${errmsg ?? "error"} (errcode ${errcode})`;
    // 45009 and 45033: API frequency / concurrency limits.
    if (errcode === 45009 || errcode === 45033) return new BridgeError("rate-limited", message, { cause: thrown, retryAfterMs: 1000 });
    return new BridgeError("upstream", message, { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new BridgeError("upstream", `${what} failed: ${message}`, { cause: thrown });
}

function plain(markdown: string): string {
  return markdown.replace(/```[^\n]*\n?/g, "").replace(/[*_`#>]/g, "").replace(/\s+\n/g, "\n").trim();
}

const buttonStyle = (button: Button): number => (button.style === "danger" ? 3 : button.style === "primary" ? 1 : 2);

/** A button card: the first line as its title; the rest fits under it, or went out as a message before it. */
export function buttonCard(part: Extract<ReplyPart, { type: "buttons" }>, taskId: string): { card: TemplateCard; isTextSeparate: boolean } {
  const [first = "", ...rest] = plain(part.text).split("\n").filter((line) => line.trim());
  const body = rest.join("\n");
  const isTextSeparate = [...first].length > 26 || [...body].length > 112;
  const card: TemplateCard = {
    card_type: "button_interaction",
    main_title: { title: isTextSeparate ? "Choose" : first },
    ...(!isTextSeparate && body ? { sub_title_text: body } : {}),
    button_list: part.buttons.slice(0, 6).map((button) => ({ text: button.label, key: button.id, style: buttonStyle(button) })),
    task_id: taskId,
  };
  return { card, isTextSeparate };
}

export function createOutbound(deps: OutboundDeps) {
  const { client, contexts, logger } = deps;
  const open = new Map<string, OpenMessage>();
  const holdMs = deps.holdMs ?? 5 * 60_000;

  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (thrown) {
      throw toWecomError(thrown, what);
    }
  };

  const push = async (to: ConversationRef, text: string): Promise<SentMessage> => {
    const content = truncateUtf8(text, maxContentBytes);
    await call("aibot_send_msg", () => client.sendMessage(to.chatId, { msgtype: "markdown", markdown: { content } }));
    return { conversation: to, messageId: generateReqId("push") };
  };

  /** Ends an open message with its latest text; `final` is the text it must end with, when known. */
  const finish = async (messageId: string, final?: string) => {
    const entry = open.get(messageId);
    if (!entry) return;
    open.delete(messageId);
    clearTimeout(entry.timer);
    const text = final ?? entry.text;
    if (entry.kind === "held") {
      await push(entry.to, text);
    } else if (!entry.isClosed) {
      await call("stream reply", () => client.replyStream({ headers: { req_id: entry.reqId } }, entry.streamId, text, true));
    } else if (text !== entry.text) {
      logger.warn({ messageId }, "the stream had to end before the answer did: the whole answer follows as a message");
      await push(entry.to, text);
    }
  };

  const finishLater = (messageId: string) => {
    finish(messageId).catch((error: unknown) => logger.warn({ err: error, messageId }, "could not end an open message"));
  };

  const sendText = async (to: ConversationRef, markdown: string, isPartial: boolean): Promise<SentMessage> => {
    const text = truncateUtf8(toWecomMarkdown(markdown), maxContentBytes);
    const inReplyTo = to.inReplyTo?.messageId;
    // A whole message answering the same message (an error after a failed run) ends the stream still open for it.
    if (!isPartial) {
      for (const [id, entry] of open) if (inReplyTo && entry.kind === "stream" && entry.to.inReplyTo?.messageId === inReplyTo) await finish(id);
    }
    const context = await contexts.peek(inReplyTo);
    if (context && inReplyTo) {
      const streamId = generateReqId("stream");
      await call("stream reply", () => client.replyStream({ headers: { req_id: context.reqId } }, streamId, text, !isPartial));
      await contexts.markUsed(inReplyTo);
      if (isPartial) {
        const deadlineMs = Math.max(0, context.receivedAt + streamDeadlineMs - deps.now());
        const timer = setTimeout(() => {
          const entry = open.get(streamId);
          if (entry?.kind !== "stream") return;
          client.replyStream({ headers: { req_id: entry.reqId } }, streamId, entry.text, true).catch(() => undefined);
          entry.isClosed = true;
        }, deadlineMs);
        open.set(streamId, { kind: "stream", to, reqId: context.reqId, streamId, text, isClosed: false, timer });
      }
      return { conversation: to, messageId: streamId };
    }
    if (!isPartial) return push(to, text);
    // No req_id to stream on (a restart, an old message): a push cannot be edited, so it waits for the final text.
    const messageId = generateReqId("held");
    open.set(messageId, { kind: "held", to, text, timer: setTimeout(() => finishLater(messageId), holdMs) });
    return { conversation: to, messageId };
  };

  const sendMedia = async (to: ConversationRef, ref: MediaRef, type: WeComMediaType): Promise<SentMessage> => {
    if (ref.sizeBytes !== undefined && ref.sizeBytes > maxUploadBytes) throw new BridgeError("unsupported", "That file is too big to send on WeCom (50 MB at most).");
    const media = await readReplyMedia(ref, deps.fetchOwn, Math.min(deps.maxMediaBytes, maxUploadBytes), deps.storedFiles);
    if (media.bytes.length > maxUploadBytes) throw new BridgeError("unsupported", "That file is too big to send on WeCom (50 MB at most).");
    const fileName = media.fileName ?? ref.fileName ?? `${type}`;
    const uploaded = await call("media upload", () => client.uploadMedia(Buffer.from(media.bytes), { type, filename: fileName }));
    const inReplyTo = to.inReplyTo?.messageId;
    const context = await contexts.peek(inReplyTo);
    if (context && inReplyTo) {
      await call("media reply", () => client.replyMedia({ headers: { req_id: context.reqId } }, type, uploaded.media_id));
      await contexts.markUsed(inReplyTo);
    } else {
      await call("media push", () => client.sendMediaMessage(to.chatId, type, uploaded.media_id));
    }
    return { conversation: to, messageId: generateReqId("media") };
  };

  const sendButtons = async (to: ConversationRef, part: Extract<ReplyPart, { type: "buttons" }>): Promise<SentMessage> => {
    const taskId = generateReqId("pincer").replace(/[^A-Za-z0-9_@-]/g, "_");
    const { card, isTextSeparate } = buttonCard(part, taskId);
    if (isTextSeparate) await sendText(to, part.text, false);
    const inReplyTo = to.inReplyTo?.messageId;
    const context = await contexts.peek(inReplyTo);
    if (context && inReplyTo) {
      await call("card reply", () => client.replyTemplateCard({ headers: { req_id: context.reqId } }, card));
      await contexts.markUsed(inReplyTo);
    } else {
      await call("card push", () => client.sendMessage(to.chatId, { msgtype: "template_card", template_card: card }));
    }
    return { conversation: to, messageId: taskId };
  };

  return {
    async send(to: ConversationRef, part: ReplyPart, options: SendOptions = {}): Promise<SentMessage> {
      switch (part.type) {
        case "markdown":
          return sendText(to, part.text, options.isPartial === true);
        case "error":
          return sendText(to, errorText(part), false);
        case "buttons":
          return sendButtons(to, part);
        case "image":
        case "file": {
          if (part.caption) await sendText(to, part.caption, false);
          return sendMedia(to, part.media, part.type);
        }
        case "audio":
          // WeCom voice messages are AMR only; anything else goes as a file.
          return sendMedia(to, part.media, part.media.mimeType === "audio/amr" ? "voice" : "file");
        default:
          return assertNever(part);
      }
    },

    async edit(sent: SentMessage, part: ReplyPart, options: EditOptions = {}): Promise<void> {
      const entry = open.get(sent.messageId);
      if (part.type !== "markdown" || !entry) {
        logger.debug({ messageId: sent.messageId }, "edit of a message that can no longer change: ignored");
        return;
      }
      const text = truncateUtf8(toWecomMarkdown(part.text), maxContentBytes);
      if (options.isFinal) return finish(sent.messageId, text);
      if (entry.kind === "stream" && !entry.isClosed && text !== entry.text) {
        await call("stream reply", () => client.replyStream({ headers: { req_id: entry.reqId } }, entry.streamId, text, false));
      }
      if (entry.kind === "held" || !entry.isClosed) entry.text = text;
    },

    /** Ends what is still open, as it stands (the gateway stops). */
    async stop(): Promise<void> {
      await Promise.allSettled([...open.keys()].map((messageId) => finish(messageId)));
    },
  };
}

export type Outbound = ReturnType<typeof createOutbound>;
