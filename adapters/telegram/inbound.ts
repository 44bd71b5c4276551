import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Attachment, InboundMessage, MediaRef, ReplyTo, Segment } from "../../core/types/message.ts";
import type { TelegramCallbackQuery, TelegramEntity, TelegramMessage, TelegramUpdate, TelegramUser } from "./update-schema.ts";
import { buttonCommand } from "../../core/types/reply.ts";
import { localeFromTag } from "../../core/i18n/locale.ts";

export const platform = "telegram";

/** Who the bot is, from `getMe` at start. */
export interface BotIdentity {
  id: number;
  username: string;
  firstName: string;
}

export function displayName(user: TelegramUser): string {
  const name = [user.first_name, user.last_name].filter(Boolean).join(" ").trim();
  return name || (user.username ? `@${user.username}` : String(user.id));
}

/** The inbox key of a message: `message_id` is unique only within its chat. */
export function messageKey(chatId: number | string, messageId: number): string {
  return `${chatId}:${messageId}`;
}

function conversationOf(message: Pick<TelegramMessage, "chat" | "message_thread_id" | "is_topic_message">): ConversationRef {
  const isTopic = message.is_topic_message === true && message.message_thread_id !== undefined;
  return {
    platform,
    chatId: String(message.chat.id),
    kind: message.chat.type === "private" ? "direct" : "group",
    ...(isTopic ? { threadId: String(message.message_thread_id) } : {}),
  };
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Text with entities → segments. Offsets are UTF-16 code units, as JavaScript strings count. */
export function toSegments(text: string, entities: readonly TelegramEntity[], bot: BotIdentity): Segment[] {
  const segments: Segment[] = [];
  let cursor = 0;
  const pushText = (piece: string) => {
    if (!piece) return;
    const last = segments.at(-1);
    if (last?.type === "text") last.text += piece;
    else segments.push({ type: "text", text: piece });
  };
  const sorted = [...entities].sort((a, b) => a.offset - b.offset);
  for (const entity of sorted) {
    // Styles (bold, italic…) may overlap the entities that matter here; those are read, the rest stay text.
    if (entity.offset < cursor) continue;
    const piece = text.slice(entity.offset, entity.offset + entity.length);
    let segment: Segment | undefined;
    switch (entity.type) {
      case "mention": {
        const username = piece.replace(/^@/, "");
        const isSelf = sameName(username, bot.username);
        segment = { type: "mention", userId: isSelf ? String(bot.id) : `@${username}`, text: piece, isSelf };
        break;
      }
      case "text_mention":
        if (entity.user) segment = { type: "mention", userId: String(entity.user.id), text: piece, isSelf: entity.user.id === bot.id };
        break;
      case "bot_command": {
        // `/cmd@OurBot` is ours: core's parser sees `/cmd`. `/cmd@OtherBot` stays as it is, which core ignores.
        const [command, target] = piece.split("@");
        if (target !== undefined && sameName(target, bot.username)) {
          pushText(text.slice(cursor, entity.offset));
          pushText(command!);
          cursor = entity.offset + entity.length;
        }
        continue;
      }
      case "url":
        segment = { type: "link", url: piece, text: piece };
        break;
      case "text_link":
        if (entity.url) segment = { type: "link", url: entity.url, text: piece };
        break;
    }
    if (!segment) continue;
    pushText(text.slice(cursor, entity.offset));
    segments.push(segment);
    cursor = entity.offset + entity.length;
  }
  pushText(text.slice(cursor));
  return segments;
}

function ref(file: { file_id: string; file_size?: number | undefined }, mimeType: string, fileName?: string): MediaRef {
  return {
    platform,
    id: file.file_id,
    mimeType,
    ...(file.file_size !== undefined ? { sizeBytes: file.file_size } : {}),
    ...(fileName !== undefined ? { fileName } : {}),
  };
}

const duration = (seconds: number | undefined) => (seconds !== undefined ? { durationSec: seconds } : {});

export function toAttachments(message: TelegramMessage): Attachment[] {
  const attachments: Attachment[] = [];
  if (message.voice) {
    attachments.push({ type: "audio", media: ref(message.voice, message.voice.mime_type ?? "audio/ogg", "voice.ogg"), isVoiceNote: true, ...duration(message.voice.duration) });
  }
  if (message.video_note) {
    attachments.push({ type: "audio", media: ref(message.video_note, message.video_note.mime_type ?? "video/mp4", "video-note.mp4"), isVoiceNote: true, ...duration(message.video_note.duration) });
  }
  if (message.audio) {
    const { audio } = message;
    attachments.push({ type: "audio", media: ref(audio, audio.mime_type ?? "audio/mpeg", audio.file_name), isVoiceNote: false, ...duration(audio.duration) });
  }
  if (message.photo && message.photo.length > 0) {
    const largest = message.photo.reduce((best, size) => (size.width * size.height > best.width * best.height ? size : best));
    attachments.push({ type: "image", media: ref(largest, "image/jpeg", "photo.jpg"), width: largest.width, height: largest.height });
  }
  if (message.video) {
    attachments.push({ type: "video", media: ref(message.video, message.video.mime_type ?? "video/mp4", message.video.file_name), ...duration(message.video.duration) });
  }
  if (message.document) {
    const { document } = message;
    const mimeType = document.mime_type ?? "application/octet-stream";
    const media = ref(document, mimeType, document.file_name);
    attachments.push(mimeType.startsWith("image/") ? { type: "image", media } : { type: "file", media });
  }
  return attachments;
}

/**
 * A message in a forum topic carries an implicit `reply_to_message`: the topic's `forum_topic_created` service
 * message, which the bot may have sent. That is where the message lives, not something it answers.
 */
function replyToOf(message: TelegramMessage, bot: BotIdentity): ReplyTo | undefined {
  const replied = message.reply_to_message;
  if (!replied) return undefined;
  const isTopicRoot = replied.forum_topic_created !== undefined || (message.is_topic_message === true && replied.message_id === message.message_thread_id);
  if (isTopicRoot) return undefined;
  const text = replied.text ?? replied.caption;
  return {
    messageId: messageKey(replied.chat.id, replied.message_id),
    isToSelf: replied.from?.id === bot.id,
    ...(text !== undefined ? { text } : {}),
  };
}

/** A new message → InboundMessage; undefined for what the bot does not answer (edits, bots, service messages). */
export function messageToInbound(message: TelegramMessage, bot: BotIdentity, raw?: unknown): InboundMessage | undefined {
  const from = message.from;
  if (!from || from.is_bot) return undefined;
  const text = message.text ?? message.caption ?? "";
  const entities = (message.text !== undefined ? message.entities : message.caption_entities) ?? [];
  const segments = toSegments(text, entities, bot);
  const attachments = toAttachments(message);
  if (segments.length === 0 && attachments.length === 0) return undefined;
  const replyTo = replyToOf(message, bot);
  return {
    id: messageKey(message.chat.id, message.message_id),
    conversation: conversationOf(message),
    sender: senderOf(from),
    sentAt: message.date * 1000,
    segments,
    attachments,
    ...(replyTo ? { replyTo } : {}),
    ...(raw !== undefined ? { raw } : {}),
  };
}

/**
 * A button press → the command it stands for, as if typed: button ids are commands without their slash
 * (`approve 3f2a`), as the web chat sends them. Its id is the query's, which Telegram keeps across redeliveries.
 */
export function callbackToInbound(query: TelegramCallbackQuery, receivedAt: number): InboundMessage | undefined {
  if (!query.message || !query.data || query.from.is_bot) return undefined;
  const command = buttonCommand(query.data);
  return {
    id: `cb:${query.id}`,
    conversation: conversationOf(query.message),
    sender: senderOf(query.from),
    sentAt: receivedAt,
    segments: [{ type: "text", text: command }],
    attachments: [],
  };
}

/** Any update → the message to receive, if it is one the bot answers. `edited_message` and other kinds are ignored. */
export function updateToInbound(update: TelegramUpdate, bot: BotIdentity, receivedAt: number): InboundMessage | undefined {
  if (update.message) return messageToInbound(update.message, bot, update);
  if (update.callback_query) return callbackToInbound(update.callback_query, receivedAt);
  return undefined;
}

/** The sender, with their language when Telegram tells it (`language_code`, an IETF tag such as `zh-hans`). */
function senderOf(user: TelegramUser): InboundMessage["sender"] {
  const locale = localeFromTag(user.language_code);
  return { id: String(user.id), displayName: displayName(user), isBot: false, ...(locale ? { locale } : {}) };
}
