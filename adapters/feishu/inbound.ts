import { z } from "zod";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Attachment, InboundMessage, MediaRef, Segment } from "../../core/types/message.ts";
import { buttonCommand } from "../../core/types/reply.ts";

export const platform = "feishu";

const userIdSchema = z.object({ open_id: z.string().optional(), user_id: z.string().nullish(), union_id: z.string().nullish() });

const mentionSchema = z.object({ key: z.string(), id: userIdSchema, name: z.string().default("") });

/** `im.message.receive_v1`: the `event` of a schema 2.0 body (the SDK's flattened handler data parses too). */
export const messageEventSchema = z.object({
  sender: z.object({
    sender_id: userIdSchema.optional(),
    sender_type: z.string(),
  }),
  message: z.object({
    message_id: z.string().min(1),
    root_id: z.string().nullish(),
    parent_id: z.string().nullish(),
    thread_id: z.string().nullish(),
    create_time: z.string(),
    chat_id: z.string().min(1),
    chat_type: z.string(),
    message_type: z.string(),
    content: z.string(),
    mentions: z.array(mentionSchema).nullish(),
  }),
});
export type MessageEvent = z.infer<typeof messageEventSchema>;
type Mention = z.infer<typeof mentionSchema>;

/** What the adapter knows beside the event: who the bot is, and which messages it sent. */
export interface InboundContext {
  botOpenId: string | undefined;
  /** The bot sent `messageId` (replying to it addresses the bot). */
  isOwnMessage(messageId: string): boolean;
}

/** Which download type a resource needs: `GET …/resources/:key?type=image|file` (audio and video are `file`). */
export type ResourceType = "image" | "file";

/** A MediaRef id carries all a download needs: `${type}:${messageId}:${fileKey}`. */
export function mediaRef(type: ResourceType, messageId: string, fileKey: string, extra: Partial<MediaRef> = {}): MediaRef {
  return { platform, id: `${type}:${messageId}:${fileKey}`, ...extra };
}

export function parseMediaId(id: string): { type: ResourceType; messageId: string; fileKey: string } | undefined {
  const match = /^(image|file):([^:]+):([^:]+)$/.exec(id);
  return match ? { type: match[1] as ResourceType, messageId: match[2]!, fileKey: match[3]! } : undefined;
}

function parseContent(content: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(content);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

function mentionSegment(mention: Mention | undefined, key: string, context: InboundContext): Segment {
  if (key === "@_all") return { type: "mention-all", text: "@all" };
  if (!mention) return { type: "text", text: key };
  const userId = mention.id.open_id ?? mention.id.user_id ?? mention.key;
  return { type: "mention", userId, text: `@${mention.name || userId}`, isSelf: context.botOpenId !== undefined && userId === context.botOpenId };
}

/** Splits `@_user_1 hello @_all` on the mention keys; each key becomes a mention segment. */
function textSegments(text: string, mentions: readonly Mention[], context: InboundContext): Segment[] {
  const segments: Segment[] = [];
  const pattern = /@_user_\d+|@_all/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > last) segments.push({ type: "text", text: text.slice(last, match.index) });
    segments.push(mentionSegment(mentions.find((mention) => mention.key === match[0]), match[0], context));
    last = match.index + match[0].length;
  }
  if (last < text.length) segments.push({ type: "text", text: text.slice(last) });
  return segments;
}

const postElementSchema = z.looseObject({ tag: z.string() });

/** A received post is `{title, content: [[element…]…]}`; a sent one is wrapped in a locale (`{zh_cn: {…}}`): both are read. */
function unwrapPost(content: Record<string, unknown>): { title?: string; rows: unknown[] } {
  if (Array.isArray(content.content)) return { ...(str(content.title) ? { title: str(content.title)! } : {}), rows: content.content };
  for (const value of Object.values(content)) {
    if (value && typeof value === "object" && Array.isArray((value as Record<string, unknown>).content)) {
      return unwrapPost(value as Record<string, unknown>);
    }
  }
  return { rows: [] };
}

function postParts(
  content: Record<string, unknown>,
  messageId: string,
  mentions: readonly Mention[],
  context: InboundContext,
): { segments: Segment[]; attachments: Attachment[] } {
  const { title, rows } = unwrapPost(content);
  const segments: Segment[] = title ? [{ type: "text", text: `${title}\n` }] : [];
  const attachments: Attachment[] = [];
  rows.forEach((row, rowIndex) => {
    if (rowIndex > 0) segments.push({ type: "text", text: "\n" });
    for (const raw of Array.isArray(row) ? row : []) {
      const element = postElementSchema.safeParse(raw);
      if (!element.success) continue;
      const item = element.data as Record<string, unknown>;
      switch (item.tag) {
        case "text":
          if (str(item.text)) segments.push({ type: "text", text: item.text as string });
          break;
        case "a":
          if (str(item.href)) segments.push({ type: "link", url: item.href as string, text: str(item.text) ?? (item.href as string) });
          break;
        case "at": {
          const key = str(item.user_id) ?? "";
          const mention = mentions.find((candidate) => candidate.key === key);
          if (key === "@_all" || key === "all") segments.push({ type: "mention-all", text: "@all" });
          else if (mention) segments.push(mentionSegment(mention, key, context));
          else segments.push({ type: "mention", userId: key, text: `@${str(item.user_name) ?? key}`, isSelf: key === context.botOpenId });
          break;
        }
        case "img":
          if (str(item.image_key)) attachments.push({ type: "image", media: mediaRef("image", messageId, item.image_key as string) });
          break;
        case "media":
          if (str(item.file_key)) attachments.push({ type: "video", media: mediaRef("file", messageId, item.file_key as string) });
          break;
        case "code_block":
          if (str(item.text)) segments.push({ type: "text", text: `\n\`\`\`${str(item.language)?.toLowerCase() ?? ""}\n${item.text as string}\n\`\`\`\n` });
          break;
        case "emotion":
          if (str(item.emoji_type)) segments.push({ type: "text", text: `:${item.emoji_type as string}:` });
          break;
        default:
          if (str(item.text)) segments.push({ type: "text", text: item.text as string });
      }
    }
  });
  return { segments, attachments };
}

/** Segments and attachments of one message's content, by message_type. */
function contentParts(event: MessageEvent, context: InboundContext): { segments: Segment[]; attachments: Attachment[] } {
  const { message } = event;
  const content = parseContent(message.content);
  const mentions = message.mentions ?? [];
  const id = message.message_id;
  switch (message.message_type) {
    case "text":
      return { segments: textSegments(str(content.text) ?? "", mentions, context), attachments: [] };
    case "post":
      return postParts(content, id, mentions, context);
    case "image": {
      const key = str(content.image_key);
      return { segments: [], attachments: key ? [{ type: "image", media: mediaRef("image", id, key) }] : [] };
    }
    case "audio": {
      const key = str(content.file_key);
      const durationMs = typeof content.duration === "number" ? content.duration : undefined;
      const media = mediaRef("file", id, key ?? "", { mimeType: "audio/opus", fileName: "audio.opus" });
      return {
        segments: [],
        attachments: key ? [{ type: "audio", media, isVoiceNote: true, ...(durationMs !== undefined ? { durationSec: durationMs / 1000 } : {}) }] : [],
      };
    }
    case "file": {
      const key = str(content.file_key);
      const fileName = str(content.file_name);
      return { segments: [], attachments: key ? [{ type: "file", media: mediaRef("file", id, key, fileName ? { fileName } : {}) }] : [] };
    }
    case "media": {
      const key = str(content.file_key);
      const fileName = str(content.file_name);
      const durationMs = typeof content.duration === "number" ? content.duration : undefined;
      const media = mediaRef("file", id, key ?? "", { mimeType: "video/mp4", ...(fileName ? { fileName } : {}) });
      return {
        segments: [],
        attachments: key ? [{ type: "video", media, ...(durationMs !== undefined ? { durationSec: durationMs / 1000 } : {}) }] : [],
      };
    }
    default:
      return { segments: [], attachments: [] };
  }
}

/**
 * `im.message.receive_v1` → InboundMessage, or undefined for what the bot ignores (other bots, itself,
 * message types it cannot read). `message.id` is Feishu's message_id, unique across chats and the
 * same on every redelivery of the event, so the inbox dedupes repeats.
 */
export function toInboundMessage(event: MessageEvent, context: InboundContext): InboundMessage | undefined {
  const { message, sender } = event;
  if (sender.sender_type !== "user") return undefined;
  const senderId = sender.sender_id?.open_id ?? sender.sender_id?.user_id ?? "";
  if (!senderId || senderId === context.botOpenId) return undefined;
  const { segments, attachments } = contentParts(event, context);
  if (segments.length === 0 && attachments.length === 0) return undefined;
  const conversation: ConversationRef = {
    platform,
    chatId: message.chat_id,
    kind: message.chat_type === "p2p" ? "direct" : "group",
    ...(message.thread_id ? { threadId: message.thread_id } : {}),
  };
  const sentAt = Number(message.create_time);
  return {
    id: message.message_id,
    conversation,
    // Events carry ids only; the name needs the contact API (and its permission), so the open_id stands in.
    sender: { id: senderId, displayName: senderId, isBot: false },
    sentAt: Number.isFinite(sentAt) && sentAt > 0 ? sentAt : Date.now(),
    segments,
    attachments,
    ...(message.parent_id ? { replyTo: { messageId: message.parent_id, isToSelf: context.isOwnMessage(message.parent_id) } } : {}),
    raw: event,
  };
}

/** `card.action.trigger` (schema 2.0) and the older card callback: who clicked which button on which message. */
export const cardActionSchema = z.object({
  operator: z.object({ open_id: z.string().min(1) }),
  action: z.object({ value: z.unknown(), tag: z.string().optional() }),
  context: z.object({ open_message_id: z.string().min(1), open_chat_id: z.string().min(1) }),
});
export type CardAction = z.infer<typeof cardActionSchema>;

/** The old (1.0) card callback body: the same facts at the top level. */
export const legacyCardActionSchema = z.object({
  open_id: z.string().min(1),
  open_message_id: z.string().min(1),
  open_chat_id: z.string().min(1),
  action: z.object({ value: z.unknown(), tag: z.string().optional() }),
});

export function fromLegacyCardAction(body: z.infer<typeof legacyCardActionSchema>): CardAction {
  return { operator: { open_id: body.open_id }, action: body.action, context: { open_message_id: body.open_message_id, open_chat_id: body.open_chat_id } };
}

/** The button id our cards carry in their value (see outbound `buttonsCard`). */
export function buttonIdOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (value && typeof value === "object") return str((value as Record<string, unknown>).pincer_button);
  return undefined;
}

/**
 * A button click becomes the message the person could have typed: button ids are commands without
 * the slash ("approve 3f2a"), so the click says "/approve 3f2a". The id is stable across redeliveries.
 */
export function cardActionToInbound(action: CardAction, kind: ConversationRef["kind"], now: number): InboundMessage | undefined {
  const buttonId = buttonIdOf(action.action.value);
  if (!buttonId) return undefined;
  const text = buttonCommand(buttonId);
  const operator = action.operator.open_id;
  return {
    id: `card:${action.context.open_message_id}:${buttonId}:${operator}`,
    conversation: { platform, chatId: action.context.open_chat_id, kind },
    sender: { id: operator, displayName: operator, isBot: false },
    sentAt: now,
    segments: [{ type: "text", text }],
    attachments: [],
    raw: action,
  };
}
