import { z } from "zod";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Attachment, InboundMessage, MediaRef, Segment } from "../../core/types/message.ts";
import type { Locale } from "../../core/i18n/catalogue.ts";
import { localeFromTag } from "../../core/i18n/locale.ts";
import { buttonCommand } from "../../core/types/reply.ts";
import { slashText } from "./commands.ts";

export const platform = "discord";

/** Message flag IS_VOICE_MESSAGE (https://discord.com/developers/docs/resources/message#message-object-message-flags). */
export const voiceMessageFlag = 1 << 13;

/** What the normalizer knows besides the payload: who the bot is, and the threads it has seen. */
export interface InboundContext {
  selfId: string;
  hasThreads: boolean;
  /** The thread a channel id is, when the adapter has seen it (THREAD_CREATE, GUILD_CREATE, its own). */
  threadOf(channelId: string): ThreadInfo | undefined;
}

export interface ThreadInfo {
  parentId: string;
  /** The bot opened it: every message of its people is for the bot, like a DM. */
  isOwnedBySelf: boolean;
}

const userSchema = z.object({
  id: z.string(),
  username: z.string(),
  global_name: z.string().nullish(),
  bot: z.boolean().nullish(),
});

const attachmentSchema = z.object({
  id: z.string(),
  filename: z.string(),
  content_type: z.string().nullish(),
  size: z.number(),
  url: z.string(),
  width: z.number().nullish(),
  height: z.number().nullish(),
  duration_secs: z.number().nullish(),
});
export type DiscordAttachment = z.infer<typeof attachmentSchema>;

export const messageSchema = z.object({
  id: z.string(),
  channel_id: z.string(),
  guild_id: z.string().nullish(),
  author: userSchema,
  member: z.object({ nick: z.string().nullish() }).nullish(),
  content: z.string().default(""),
  timestamp: z.string().nullish(),
  type: z.number().default(0),
  flags: z.number().nullish(),
  webhook_id: z.string().nullish(),
  mentions: z.array(z.object({ id: z.string(), username: z.string().nullish(), global_name: z.string().nullish() })).default([]),
  mention_everyone: z.boolean().nullish(),
  attachments: z.array(attachmentSchema).default([]),
  message_reference: z.object({ message_id: z.string().nullish(), channel_id: z.string().nullish() }).nullish(),
  referenced_message: z.object({ id: z.string(), author: z.object({ id: z.string() }), content: z.string().nullish() }).nullish(),
});
export type DiscordMessage = z.infer<typeof messageSchema>;

export const interactionSchema = z.object({
  id: z.string(),
  application_id: z.string(),
  type: z.number(),
  token: z.string(),
  channel_id: z.string().nullish(),
  guild_id: z.string().nullish(),
  member: z.object({ user: userSchema, nick: z.string().nullish() }).nullish(),
  user: userSchema.nullish(),
  data: z
    .object({
      name: z.string().nullish(),
      custom_id: z.string().nullish(),
      options: z.array(z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).nullish() })).nullish(),
    })
    .nullish(),
  message: z.object({ id: z.string() }).nullish(),
  /** The invoking user's client language (`zh-CN`, `en-US`…). */
  locale: z.string().nullish(),
});
export type DiscordInteraction = z.infer<typeof interactionSchema>;

/** Interaction types (https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-interaction-type). */
export const interactionType = { command: 2, component: 3 } as const;

/** Message types a person writes: DEFAULT (0) and REPLY (19); joins, pins, thread starters… are not. */
const spokenTypes = new Set([0, 19]);

/** Snowflakes carry their creation time: milliseconds since the Discord epoch (2015), shifted 22 bits. */
export const snowflakeTime = (id: string): number => Number((BigInt(id) >> 22n) + 1_420_070_400_000n);

const mentionToken = /<@!?(\d+)>|@everyone|@here/g;

/** The content as segments; a `<@id>` is the bot itself only when the payload's `mentions[]` names the bot's id. */
export function contentSegments(message: Pick<DiscordMessage, "content" | "mentions" | "mention_everyone">, selfId: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const match of message.content.matchAll(mentionToken)) {
    if (match.index > at) segments.push({ type: "text", text: message.content.slice(at, match.index) });
    at = match.index + match[0].length;
    const userId = match[1];
    if (userId === undefined) {
      segments.push(message.mention_everyone ? { type: "mention-all", text: match[0] } : { type: "text", text: match[0] });
      continue;
    }
    const mentioned = message.mentions.find((user) => user.id === userId);
    if (!mentioned) {
      segments.push({ type: "text", text: match[0] });
      continue;
    }
    const name = mentioned.global_name || mentioned.username || userId;
    segments.push({ type: "mention", userId, text: `@${name}`, isSelf: userId === selfId });
  }
  if (at < message.content.length) segments.push({ type: "text", text: message.content.slice(at) });
  return segments;
}

export function attachmentOf(attachment: DiscordAttachment, isVoiceMessage: boolean): Attachment {
  const media: MediaRef = {
    platform,
    id: attachment.id,
    url: attachment.url,
    sizeBytes: attachment.size,
    fileName: attachment.filename,
    ...(attachment.content_type ? { mimeType: attachment.content_type.split(";")[0]!.trim() } : {}),
  };
  const kind = (attachment.content_type ?? "").split("/")[0];
  const durationSec = attachment.duration_secs ?? undefined;
  if (isVoiceMessage || kind === "audio") {
    return { type: "audio", media, isVoiceNote: isVoiceMessage, ...(durationSec !== undefined ? { durationSec } : {}) };
  }
  if (kind === "image") return { type: "image", media, ...(attachment.width ? { width: attachment.width } : {}), ...(attachment.height ? { height: attachment.height } : {}) };
  if (kind === "video") return { type: "video", media, ...(durationSec !== undefined ? { durationSec } : {}) };
  return { type: "file", media };
}

/**
 * Where a message in `channelId` belongs: a DM; a thread (under its parent channel); or a server channel,
 * where, with threads on, the conversation is the thread the bot opens from this message (a thread started
 * from a message has the message's id).
 */
function conversationOf(channelId: string, guildId: string | null | undefined, messageId: string, context: InboundContext): ConversationRef {
  if (!guildId) return { platform, chatId: channelId, kind: "direct" };
  const thread = context.threadOf(channelId);
  if (thread) return { platform, chatId: thread.parentId, kind: "group", threadId: channelId };
  return { platform, chatId: channelId, kind: "group", ...(context.hasThreads ? { threadId: messageId } : {}) };
}

const selfMention = (selfId: string): Segment => ({ type: "mention", userId: selfId, text: "", isSelf: true });

/**
 * A MESSAGE_CREATE as the message a person sent, or undefined for what the bridge ignores: bots (this one
 * included), webhooks, system messages. In a thread the bot opened, every message addresses the bot.
 */
export function messageToInbound(payload: unknown, context: InboundContext): InboundMessage | undefined {
  const parsed = messageSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const message = parsed.data;
  if (message.author.bot || message.webhook_id || message.author.id === context.selfId || !spokenTypes.has(message.type)) return undefined;
  const conversation = conversationOf(message.channel_id, message.guild_id, message.id, context);
  const segments = contentSegments(message, context.selfId);
  if (conversation.threadId === message.channel_id && context.threadOf(message.channel_id)?.isOwnedBySelf) segments.unshift(selfMention(context.selfId));
  const isVoiceMessage = ((message.flags ?? 0) & voiceMessageFlag) !== 0;
  const referenced = message.referenced_message;
  const repliedId = message.message_reference?.message_id ?? referenced?.id;
  return {
    id: message.id,
    conversation,
    sender: { id: message.author.id, displayName: message.member?.nick || message.author.global_name || message.author.username, isBot: false },
    sentAt: message.timestamp ? Date.parse(message.timestamp) : snowflakeTime(message.id),
    segments,
    attachments: message.attachments.map((attachment) => attachmentOf(attachment, isVoiceMessage)),
    ...(message.type === 19 && repliedId
      ? { replyTo: { messageId: repliedId, isToSelf: referenced?.author.id === context.selfId, ...(referenced?.content ? { text: referenced.content } : {}) } }
      : {}),
    raw: payload,
  };
}

/** The inbox id of an interaction (a slash command, a button press): its own snowflake, apart from messages'. */
export const interactionMessageId = (interactionId: string) => `interaction:${interactionId}`;

/**
 * A slash command (`/status`) or a button press (`approve 3f2a`) as the message its command would be,
 * addressed to the bot; undefined for other interactions.
 */
export function interactionToInbound(payload: DiscordInteraction, context: InboundContext): InboundMessage | undefined {
  const user = payload.member?.user ?? payload.user;
  if (!user || !payload.channel_id || !payload.data) return undefined;
  let text: string;
  if (payload.type === interactionType.command && payload.data.name) {
    text = slashText(payload.data.name, payload.data.options ?? []);
  } else if (payload.type === interactionType.component && payload.data.custom_id) {
    text = buttonCommand(payload.data.custom_id);
  } else return undefined;
  // A button is pressed on a message: the conversation is the message's (its thread, or the channel without a new thread).
  const conversation = conversationOf(payload.channel_id, payload.guild_id, payload.id, { ...context, hasThreads: false });
  return {
    id: interactionMessageId(payload.id),
    conversation,
    sender: { id: user.id, displayName: payload.member?.nick || user.global_name || user.username, isBot: false, ...localeField(payload.locale) },
    sentAt: snowflakeTime(payload.id),
    segments: [selfMention(context.selfId), { type: "text", text }],
    attachments: [],
    raw: { id: payload.id, type: payload.type, channel_id: payload.channel_id, guild_id: payload.guild_id, data: payload.data, user },
  };
}

function localeField(tag: string | null | undefined): { locale?: Locale } {
  const locale = localeFromTag(tag);
  return locale ? { locale } : {};
}
