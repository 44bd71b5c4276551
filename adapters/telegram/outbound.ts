import { basename } from "node:path";
import type { FileStore } from "../../core/store/file-store.ts";
import { Input, type Telegram } from "telegraf";
import { checkReplyFile, readReplyMedia } from "../kit/local-media.ts";
import type { FetchedMedia, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { assertNever } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { Button, ReplyPart } from "../../core/types/reply.ts";
import { isNotModified, isParseError, toTelegramBridgeError } from "./errors.ts";
import { htmlToPlainText, markdownToTelegramHtml } from "./markdown.ts";
import { errorMarkdown } from "../../core/render/fallbacks.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";

/** Telegram counts this after entity parsing (tags do not count). */
export const maxCaptionChars = 1024;
/** The Bot API takes uploads of at most 50 MB. */
const botApiUploadLimitBytes = 50 * 1024 * 1024;

export interface OutboundDeps {
  telegram: Telegram;
  logger: Logger;
  /** Downloads media this platform holds (used when a reply forwards a Telegram file). */
  fetchMedia(ref: MediaRef): Promise<FetchedMedia>;
  /** MEDIA_MAX_BYTES; the Bot API's own upload limit (50 MB) applies too. */
  maxMediaBytes: number;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media). */
  storedFiles?: Pick<FileStore, "get"> | undefined;
}

export interface Outbound {
  send(to: ConversationRef, part: ReplyPart): Promise<SentMessage>;
  edit(sent: SentMessage, part: ReplyPart): Promise<void>;
  showTyping(to: ConversationRef): Promise<void>;
}

type Extra = Record<string, unknown>;

/** Same topic; in groups, a reply to the message being answered (sent anyway if it was deleted). */
export function placement(to: ConversationRef): Extra {
  const extra: Extra = {};
  if (to.threadId) extra.message_thread_id = Number(to.threadId);
  const answered = to.kind === "group" && to.inReplyTo ? /^(-?\d+):(\d+)$/.exec(to.inReplyTo.messageId) : null;
  if (answered && answered[1] === to.chatId) {
    extra.reply_parameters = { message_id: Number(answered[2]), allow_sending_without_reply: true };
  }
  return extra;
}

export function inlineKeyboard(buttons: readonly Button[]) {
  return { inline_keyboard: [buttons.map((button) => ({ text: button.label, callback_data: button.id.slice(0, 64) }))] };
}

function truncate(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 1)}…` : text;
}

/** A caption as HTML when it fits, else as shortened plain text. */
function caption(markdown: string | undefined): Extra {
  if (!markdown?.trim()) return {};
  const html = markdownToTelegramHtml(markdown);
  const plain = htmlToPlainText(html);
  return plain.length <= maxCaptionChars ? { caption: html, parse_mode: "HTML" } : { caption: truncate(plain, maxCaptionChars) };
}

export function createOutbound(deps: OutboundDeps): Outbound {
  const { telegram, logger } = deps;
  /** Chats where the bot was blocked or removed: logged once (a log, not state anyone relies on). */
  const blockedChats = createBoundedMap<true>(10_000);

  const call = async <T>(method: string, chatId: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (thrown) {
      const error = toTelegramBridgeError(thrown, method);
      if (error.code === "unauthorized" && !blockedChats.has(chatId)) {
        blockedChats.set(chatId, true);
        logger.warn({ chatId, err: error }, "Telegram refused to deliver to this chat (the bot was blocked or removed); not retrying");
      }
      throw error;
    }
  };

  /** Sends HTML; if Telegram cannot parse it, the same text goes again as plain text. */
  const withPlainFallback = async <T>(method: string, chatId: string, html: string, attempt: (text: string, extra: Extra) => Promise<T>): Promise<T> => {
    try {
      return await attempt(html, { parse_mode: "HTML" });
    } catch (thrown) {
      if (!isParseError(thrown)) throw toTelegramBridgeError(thrown, method);
      logger.warn({ chatId, err: toTelegramBridgeError(thrown, method) }, "Telegram rejected the formatting; sending plain text");
      return attempt(htmlToPlainText(html), {});
    }
  };

  const sendText = async (to: ConversationRef, markdown: string, more: Extra = {}): Promise<number> => {
    const html = markdownToTelegramHtml(markdown) || "…";
    const extra = { ...placement(to), link_preview_options: { is_disabled: true }, ...more };
    const message = await call("sendMessage", to.chatId, () =>
      withPlainFallback("sendMessage", to.chatId, html, (text, format) => telegram.sendMessage(to.chatId, text, { ...extra, ...format } as never)),
    );
    return message.message_id;
  };

  const mediaInput = async (ref: MediaRef) => {
    if (ref.platform === "telegram") return ref.id;
    const maxBytes = Math.min(deps.maxMediaBytes, botApiUploadLimitBytes);
    if (ref.platform === "local") {
      // Checked first, then streamed from disk by telegraf (each attempt opens the file again).
      const { path } = await checkReplyFile(ref, maxBytes);
      return Input.fromLocalFile(path, ref.fileName ?? basename(path));
    }
    const fetched = await readReplyMedia(ref, deps.fetchMedia, maxBytes, deps.storedFiles);
    return Input.fromBuffer(Buffer.from(fetched.bytes), fetched.fileName ?? "file");
  };

  const sendPart = async (to: ConversationRef, part: ReplyPart): Promise<number> => {
    const chatId = to.chatId;
    switch (part.type) {
      case "markdown":
        return sendText(to, part.text);
      case "buttons":
        return sendText(to, part.text, { reply_markup: inlineKeyboard(part.buttons) });
      case "error":
        return sendText(to, errorMarkdown(part));
      case "image": {
        const photo = await mediaInput(part.media);
        return (await call("sendPhoto", chatId, () => telegram.sendPhoto(chatId, photo, { ...placement(to), ...caption(part.caption) } as never))).message_id;
      }
      case "file": {
        const document = await mediaInput(part.media);
        return (await call("sendDocument", chatId, () => telegram.sendDocument(chatId, document, { ...placement(to), ...caption(part.caption) } as never))).message_id;
      }
      case "audio": {
        const audio = await mediaInput(part.media);
        if (part.isVoice) return (await call("sendVoice", chatId, () => telegram.sendVoice(chatId, audio, placement(to) as never))).message_id;
        return (await call("sendAudio", chatId, () => telegram.sendAudio(chatId, audio, placement(to) as never))).message_id;
      }
      default:
        return assertNever(part);
    }
  };

  return {
    async send(to, part) {
      const messageId = await sendPart(to, part);
      return { conversation: to, messageId: String(messageId) };
    },
    async edit(sent, part) {
      if (part.type !== "markdown" && part.type !== "buttons") {
        logger.debug({ kind: part.type }, "Telegram cannot edit a message into this kind of part; left as it is");
        return;
      }
      const { chatId } = sent.conversation;
      const html = markdownToTelegramHtml(part.text) || "…";
      const extra: Extra = { link_preview_options: { is_disabled: true }, ...(part.type === "buttons" ? { reply_markup: inlineKeyboard(part.buttons) } : {}) };
      try {
        await call("editMessageText", chatId, () =>
          withPlainFallback("editMessageText", chatId, html, (text, format) =>
            telegram.editMessageText(chatId, Number(sent.messageId), undefined, text, { ...extra, ...format } as never),
          ),
        );
      } catch (thrown) {
        // An edit to the same text is not an error for us.
        if (isNotModified((thrown as Error).cause ?? thrown)) return;
        throw thrown;
      }
    },
    async showTyping(to) {
      await call("sendChatAction", to.chatId, () =>
        telegram.sendChatAction(to.chatId, "typing", (to.threadId ? { message_thread_id: Number(to.threadId) } : {}) as never),
      );
    },
  };
}
