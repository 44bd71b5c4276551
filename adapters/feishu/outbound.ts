import type { Client } from "@larksuiteoapi/node-sdk";
import type { FileStore } from "../../core/store/file-store.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import type { FetchedMedia, SendOptions, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { buttonCommand, type Button, type ReplyPart } from "../../core/types/reply.ts";
import type { FeishuCall } from "./api.ts";
import { toFeishuMarkdown } from "./markdown.ts";
import { errorMarkdown, errorText } from "../../core/render/fallbacks.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";
import { clientKeyOf } from "../kit/client-key.ts";

/** Feishu refuses images over 10 MB for `im/v1/images`; larger pictures go out as files (30 MB). */
const maxImageBytes = 10 * 1024 * 1024;
/** Feishu takes files of at most 30 MB (im.file.create). */
const maxFileBytes = 30 * 1024 * 1024;

/**
 * Feishu's `uuid` (at most 50 characters) for the `message`th message of a part: requests with the same uuid send
 * at most one message within an hour (im-v1/message/create and …/reply).
 */
export const feishuUuid = (idempotencyKey: string, message: number | string): string => clientKeyOf(idempotencyKey, message, 32);

/** The uuid of one message of the part, by what it is sent as (the card, or its plain-text fallback); none without a key. */
type Uuid = (variant: "card" | "text" | "media") => string | undefined;

type MessageType = "interactive" | "text" | "image" | "file" | "audio";

/** A schema 2.0 card; `update_multi` lets PATCH change it for everyone who sees it (streaming). */
function card(elements: unknown[]): string {
  return JSON.stringify({ schema: "2.0", config: { update_multi: true }, body: { elements } });
}

export function markdownCard(markdown: string): string {
  return card([{ tag: "markdown", content: toFeishuMarkdown(markdown) || " " }]);
}

const buttonType = (style: Button["style"]) => (style === "primary" ? "primary" : style === "danger" ? "danger" : "default");

/** The text and one button per choice; a click calls back with `{pincer_button: id}` (see inbound `buttonIdOf`). */
export function buttonsCard(markdown: string, buttons: readonly Button[]): string {
  return card([
    { tag: "markdown", content: toFeishuMarkdown(markdown) || " " },
    ...buttons.map((button) => ({
      tag: "button",
      text: { tag: "plain_text", content: button.label },
      type: buttonType(button.style),
      behaviors: [{ type: "callback", value: { pincer_button: button.id } }],
    })),
  ]);
}

export function fileTypeOf(media: { mimeType?: string | undefined; fileName?: string | undefined }): "opus" | "mp4" | "pdf" | "doc" | "xls" | "ppt" | "stream" {
  const name = (media.fileName ?? "").toLowerCase();
  const mime = (media.mimeType ?? "").toLowerCase();
  if (mime.includes("opus") || mime.includes("ogg") || /\.(opus|ogg|oga)$/.test(name)) return "opus";
  if (mime === "video/mp4" || name.endsWith(".mp4")) return "mp4";
  if (mime === "application/pdf" || name.endsWith(".pdf")) return "pdf";
  if (/\.(docx?)$/.test(name)) return "doc";
  if (/\.(xlsx?)$/.test(name)) return "xls";
  if (/\.(pptx?)$/.test(name)) return "ppt";
  return "stream";
}

export interface OutboundDeps {
  client: Client;
  call: FeishuCall;
  logger: Logger;
  /** Downloads media of Feishu's own (a part that forwards an inbound attachment). */
  fetchOwn(ref: MediaRef): Promise<FetchedMedia>;
  /** MEDIA_MAX_BYTES; Feishu's own file limit (30 MB) applies too. */
  maxMediaBytes: number;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media). */
  storedFiles?: Pick<FileStore, "get"> | undefined;
  /** Called with every message id the bot sent, so replies to them count as addressing it. */
  rememberSent(messageId: string): void;
}

/**
 * ReplyPart → Feishu messages. Answers go out as cards (Markdown renders there) and stream by PATCHing
 * the card; a refused card is sent again as plain text. In a thread the answer is a reply in the
 * thread; in a group, a reply to the asker's message; in a p2p chat, a new message.
 */
export function createOutbound(deps: OutboundDeps) {
  const { client, call } = deps;
  /** Messages sent as plain text after a card was refused: their edits replace text, not a card. Bounded: only recent ones stream. */
  const plainTextIds = createBoundedMap<true>(1000);

  /** `uuid`: the same on every send of this message (a repeat within the hour answers with the message first sent). */
  const post = async (to: ConversationRef, msgType: MessageType, content: string, uuid: string | undefined): Promise<string> => {
    const parentId = to.inReplyTo?.messageId;
    const isReply = parentId !== undefined && !parentId.startsWith("card:") && (to.threadId !== undefined || to.kind === "group");
    const once = uuid === undefined ? {} : { uuid };
    const response = isReply
      ? await call("im.message.reply", () =>
          client.im.message.reply({ path: { message_id: parentId }, data: { msg_type: msgType, content, reply_in_thread: to.threadId !== undefined, ...once } }),
        )
      : await call("im.message.create", () =>
          client.im.message.create({ params: { receive_id_type: "chat_id" }, data: { receive_id: to.chatId, msg_type: msgType, content, ...once } }),
        );
    const messageId = response?.data?.message_id;
    if (!messageId) throw new BridgeError("upstream", "Feishu accepted the message but returned no message_id");
    deps.rememberSent(messageId);
    return messageId;
  };

  /**
   * A card, or the same words as plain text when Feishu refuses the card (not for rate limits or outages). The text
   * has a uuid of its own: a refused card's uuid sent nothing, and a re-send is refused the same way before it.
   */
  const postCard = async (to: ConversationRef, content: string, fallbackText: string, uuid: Uuid): Promise<string> => {
    try {
      return await post(to, "interactive", content, uuid("card"));
    } catch (error) {
      if (!(error instanceof BridgeError) || error.code !== "bad-input") throw error;
      deps.logger.warn({ err: error }, "Feishu refused the card; sending plain text");
      const messageId = await post(to, "text", JSON.stringify({ text: fallbackText }), uuid("text"));
      plainTextIds.set(messageId, true);
      return messageId;
    }
  };

  const upload = async (part: Extract<ReplyPart, { type: "image" | "file" | "audio" }>) => {
    const media = await readReplyMedia(part.media, deps.fetchOwn, Math.min(deps.maxMediaBytes, maxFileBytes), deps.storedFiles);
    const bytes = Buffer.from(media.bytes);
    const fileName = media.fileName ?? part.media.fileName ?? "file";
    if (part.type === "image" && bytes.length <= maxImageBytes) {
      const uploaded = await call("im.image.create", () => client.im.image.create({ data: { image_type: "message", image: bytes } }));
      if (!uploaded?.image_key) throw new BridgeError("upstream", "Feishu did not return an image_key for the upload");
      return { msgType: "image" as const, content: JSON.stringify({ image_key: uploaded.image_key }) };
    }
    const fileType = fileTypeOf({ mimeType: media.mimeType, fileName });
    const uploaded = await call("im.file.create", () => client.im.file.create({ data: { file_type: fileType, file_name: fileName, file: bytes } }));
    if (!uploaded?.file_key) throw new BridgeError("upstream", "Feishu did not return a file_key for the upload");
    // Feishu plays an uploaded Opus file as a voice message (msg_type audio).
    const isVoice = part.type === "audio" && part.isVoice && fileType === "opus";
    return { msgType: isVoice ? ("audio" as const) : ("file" as const), content: JSON.stringify({ file_key: uploaded.file_key }) };
  };

  return {
    async send(to: ConversationRef, part: ReplyPart, options: SendOptions = {}): Promise<SentMessage> {
      // The part's messages are numbered in the order they go out: the same number on every send of the part.
      const { idempotencyKey } = options;
      const uuidOf = (message: number): Uuid => (variant) => (idempotencyKey === undefined ? undefined : feishuUuid(idempotencyKey, `${message}:${variant}`));
      switch (part.type) {
        case "markdown":
          return { conversation: to, messageId: await postCard(to, markdownCard(part.text), part.text, uuidOf(0)) };
        case "buttons": {
          const typed = part.buttons.map((button) => buttonCommand(button.id)).join(", ");
          return { conversation: to, messageId: await postCard(to, buttonsCard(part.text, part.buttons), `${part.text}\n\n${typed}`, uuidOf(0)) };
        }
        case "error": {
          return { conversation: to, messageId: await postCard(to, markdownCard(errorMarkdown(part)), errorText(part), uuidOf(0)) };
        }
        case "image":
        case "file":
        case "audio": {
          const { msgType, content } = await upload(part);
          const messageId = await post(to, msgType, content, uuidOf(0)("media"));
          // A caption cannot ride on an image or file message: it follows as its own message.
          if (part.type !== "audio" && part.caption) await postCard(to, markdownCard(part.caption), part.caption, uuidOf(1));
          return { conversation: to, messageId };
        }
        default:
          return assertNever(part);
      }
    },

    /** Streaming: the card is PATCHed with the whole text so far (a plain-text fallback is replaced with PUT). */
    async edit(sent: SentMessage, part: ReplyPart): Promise<void> {
      if (part.type !== "markdown") return;
      const messageId = sent.messageId;
      if (plainTextIds.has(messageId)) {
        await call("im.message.update", () =>
          client.im.message.update({ path: { message_id: messageId }, data: { msg_type: "text", content: JSON.stringify({ text: part.text }) } }),
        );
        return;
      }
      await call("im.message.patch", () => client.im.message.patch({ path: { message_id: messageId }, data: { content: markdownCard(part.text) } }));
    },
  };
}
