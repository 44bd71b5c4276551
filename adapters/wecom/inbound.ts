import { z } from "zod";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Attachment, InboundMessage, MediaRef, ReplyTo, Segment } from "../../core/types/message.ts";
import { buttonCommand } from "../../core/types/reply.ts";

/** WeCom's media URLs are AES-encrypted per message; the key rides in the ref's URL fragment (never sent over HTTP). */
export const aesKeyFragment = "#aeskey=";

const mediaSchema = z.object({ url: z.string().min(1), aeskey: z.string().min(1).optional() });
const textSchema = z.object({ content: z.string() });
const mixedItemSchema = z.object({
  msgtype: z.string(),
  text: textSchema.optional(),
  image: mediaSchema.optional(),
});
const quoteSchema = z.object({
  msgtype: z.string(),
  text: textSchema.optional(),
  voice: textSchema.optional(),
  mixed: z.object({ msg_item: z.array(mixedItemSchema) }).optional(),
});

/** The decrypted JSON body of an `aibot_msg_callback` / `aibot_event_callback` frame. */
export const callbackBodySchema = z.object({
  msgid: z.string().min(1),
  aibotid: z.string().optional(),
  chatid: z.string().optional(),
  chattype: z.enum(["single", "group"]).optional(),
  from: z.object({ userid: z.string().min(1), corpid: z.string().optional() }),
  create_time: z.number().optional(),
  msgtype: z.string(),
  text: textSchema.optional(),
  image: mediaSchema.optional(),
  voice: textSchema.optional(),
  file: mediaSchema.optional(),
  video: mediaSchema.optional(),
  mixed: z.object({ msg_item: z.array(mixedItemSchema) }).optional(),
  quote: quoteSchema.optional(),
  event: z
    .object({
      eventtype: z.string(),
      template_card_event: z.object({ event_key: z.string().min(1), task_id: z.string().optional(), card_type: z.string().optional() }).optional(),
    })
    .optional(),
});
export type CallbackBody = z.infer<typeof callbackBodySchema>;

/** What a callback is, for the adapter: a message for the pipeline, or something it handles (or ignores) itself. */
export type Inbound =
  | { type: "message"; message: InboundMessage; isReplyable: boolean }
  | { type: "enter-chat"; userId: string }
  | { type: "ignored"; reason: string };

const leadingMention = /^\s*@(\S+)\s*/;

function conversationOf(body: CallbackBody): ConversationRef {
  if (body.chattype === "group" && body.chatid) return { platform: "wecom", chatId: body.chatid, kind: "group" };
  return { platform: "wecom", chatId: body.from.userid, kind: "direct" };
}

function mediaRef(id: string, media: z.infer<typeof mediaSchema>, mimeType?: string): MediaRef {
  const url = media.aeskey ? `${media.url}${aesKeyFragment}${encodeURIComponent(media.aeskey)}` : media.url;
  return { platform: "wecom", id, url, ...(mimeType ? { mimeType } : {}) };
}

/**
 * Group callbacks reach the bot only when it was @mentioned, so each one is addressed: the leading
 * `@BotName` becomes a self-mention (WeCom sends no mention metadata), kept out of the prompt.
 */
function textSegments(text: string, isGroup: boolean, botId: string): Segment[] {
  if (!isGroup) return text ? [{ type: "text", text }] : [];
  const match = leadingMention.exec(text);
  const rest = match ? text.slice(match[0].length) : text;
  const mention: Segment = { type: "mention", userId: botId, text: match ? `@${match[1]} ` : "", isSelf: true };
  return rest ? [mention, { type: "text", text: rest }] : [mention];
}

function quoteText(quote: z.infer<typeof quoteSchema>): string | undefined {
  if (quote.text) return quote.text.content;
  if (quote.voice) return quote.voice.content;
  if (quote.mixed) return quote.mixed.msg_item.flatMap((item) => (item.text ? [item.text.content] : [])).join(" ") || undefined;
  return undefined;
}

function replyToOf(body: CallbackBody): ReplyTo | undefined {
  if (!body.quote) return undefined;
  // The quote carries neither an id nor its sender: it cannot count as a reply to the bot.
  const text = quoteText(body.quote);
  return { messageId: `${body.msgid}:quote`, isToSelf: false, ...(text ? { text } : {}) };
}

/** Normalizes one callback body; `botId` names the bot in self-mentions, `receivedAt` stands in for the missing create_time. */
export function toInbound(raw: unknown, botId: string, receivedAt: number): Inbound {
  const parsed = callbackBodySchema.safeParse(raw);
  if (!parsed.success) return { type: "ignored", reason: `unexpected callback shape: ${parsed.error.issues[0]?.message ?? "invalid"}` };
  const body = parsed.data;
  const conversation = conversationOf(body);
  const isGroup = conversation.kind === "group";
  const sentAt = body.create_time ? body.create_time * 1000 : receivedAt;
  const sender = { id: body.from.userid, displayName: body.from.userid, isBot: false };
  const base = { conversation, sender, sentAt, raw };
  const message = (segments: Segment[], attachments: Attachment[]): Inbound => {
    const replyTo = replyToOf(body);
    return { type: "message", isReplyable: true, message: { id: body.msgid, ...base, segments, attachments, ...(replyTo ? { replyTo } : {}) } };
  };

  switch (body.msgtype) {
    case "text":
      return message(textSegments(body.text?.content ?? "", isGroup, botId), []);
    case "voice":
      // WeCom transcribes voice itself and sends only the text: nothing to download.
      return message(textSegments("", isGroup, botId), [
        { type: "audio", media: { platform: "wecom", id: `${body.msgid}:voice` }, isVoiceNote: true, transcript: body.voice?.content ?? "" },
      ]);
    case "image":
      return body.image ? message(textSegments("", isGroup, botId), [{ type: "image", media: mediaRef(`${body.msgid}:0`, body.image) }]) : ignoredShape(body);
    case "file":
      return body.file ? message(textSegments("", isGroup, botId), [{ type: "file", media: mediaRef(`${body.msgid}:0`, body.file) }]) : ignoredShape(body);
    case "video":
      return body.video
        ? message(textSegments("", isGroup, botId), [{ type: "video", media: mediaRef(`${body.msgid}:0`, body.video, "video/mp4") }])
        : ignoredShape(body);
    case "mixed": {
      const items = body.mixed?.msg_item ?? [];
      const text = items.flatMap((item) => (item.msgtype === "text" && item.text ? [item.text.content] : [])).join("\n");
      const attachments = items.flatMap((item, index): Attachment[] =>
        item.msgtype === "image" && item.image ? [{ type: "image", media: mediaRef(`${body.msgid}:${index}`, item.image) }] : [],
      );
      return message(textSegments(text, isGroup, botId), attachments);
    }
    case "event":
      return eventInbound(body, base);
    case "stream":
      // Stream refreshes belong to the HTTP callback mode; the long connection pushes streams instead.
      return { type: "ignored", reason: "stream refresh" };
    default:
      return { type: "ignored", reason: `message type ${body.msgtype}` };
  }
}

function ignoredShape(body: CallbackBody): Inbound {
  return { type: "ignored", reason: `${body.msgtype} callback without its ${body.msgtype} field` };
}

function eventInbound(body: CallbackBody, base: Pick<InboundMessage, "conversation" | "sender" | "sentAt" | "raw">): Inbound {
  const eventType = body.event?.eventtype ?? "unknown";
  switch (eventType) {
    case "enter_chat":
      return { type: "enter-chat", userId: body.from.userid };
    case "template_card_event": {
      const click = body.event?.template_card_event;
      if (!click) return { type: "ignored", reason: "template_card_event without its data" };
      // A button's key is the command it stands for (`approve 3f2a`), typed as the person would type it.
      const text = buttonCommand(click.event_key);
      return {
        type: "message",
        // An event's req_id cannot carry a message reply (only a card update): answers are pushed.
        isReplyable: false,
        message: { id: `event:${body.msgid}`, ...base, segments: [{ type: "text", text }], attachments: [] },
      };
    }
    default:
      return { type: "ignored", reason: `event ${eventType}` };
  }
}
