import { z } from "zod";
import type { ConversationRef } from "../../core/types/conversation.ts";
import type { Attachment, InboundMessage, MediaRef, Segment } from "../../core/types/message.ts";

export const platform = "qq";

/** The events Pincer answers (docs: server-inter/message/send-receive/event.md). */
export const messageEvents = ["C2C_MESSAGE_CREATE", "GROUP_AT_MESSAGE_CREATE", "AT_MESSAGE_CREATE", "MESSAGE_CREATE", "DIRECT_MESSAGE_CREATE"] as const;
export type MessageEventName = (typeof messageEvents)[number];

/** `{id, op, d, s, t}`: the payload of a webhook call and of a gateway frame (interface-framework/event-emit.md). */
export const payloadSchema = z.object({
  id: z.string().optional(),
  op: z.number().int(),
  d: z.unknown().optional(),
  s: z.number().int().optional(),
  t: z.string().optional(),
});
export type QqPayload = z.infer<typeof payloadSchema>;

const attachmentSchema = z
  .object({
    content_type: z.string().default(""),
    url: z.string().default(""),
    filename: z.string().optional(),
    size: z.number().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    /** Voice: QQ's own speech recognition, and a WAV copy. */
    asr_refer_text: z.string().optional(),
    voice_wav_url: z.string().optional(),
  })
  .loose();

export const messageSchema = z
  .object({
    id: z.string().min(1),
    content: z.string().default(""),
    timestamp: z.union([z.string(), z.number()]).optional(),
    author: z
      .object({ id: z.string().optional(), user_openid: z.string().optional(), member_openid: z.string().optional(), username: z.string().optional(), bot: z.boolean().optional() })
      .loose(),
    group_openid: z.string().optional(),
    channel_id: z.string().optional(),
    guild_id: z.string().optional(),
    attachments: z.array(attachmentSchema).optional(),
    mentions: z.array(z.object({ id: z.string().optional(), bot: z.boolean().optional() }).loose()).optional(),
  })
  .loose();
export type QqMessage = z.infer<typeof messageSchema>;

/**
 * Where a conversation's answers go, in its chat id: `user:<openid>` (C2C), `group:<group_openid>`,
 * `channel:<channel_id>` (a guild's text channel), `dms:<guild_id>` (a guild DM).
 */
export type QqTarget = { kind: "user" | "group" | "channel" | "dms"; id: string };

export function targetOf(chatId: string): QqTarget | undefined {
  const match = /^(user|group|channel|dms):(.+)$/.exec(chatId);
  return match ? { kind: match[1] as QqTarget["kind"], id: match[2]! } : undefined;
}

const absoluteUrl = (url: string) => (url.startsWith("//") ? `https:${url}` : /^https?:\/\//.test(url) ? url : `https://${url}`);

function attachmentOf(raw: z.infer<typeof attachmentSchema>): Attachment | undefined {
  if (!raw.url && !raw.asr_refer_text) return undefined;
  const type = raw.content_type.toLowerCase();
  const media: MediaRef = {
    platform,
    id: raw.url ? absoluteUrl(raw.url) : "",
    ...(raw.url ? { url: absoluteUrl(raw.url) } : {}),
    ...(raw.size ? { sizeBytes: raw.size } : {}),
    ...(raw.filename ? { fileName: raw.filename } : {}),
  };
  if (type.startsWith("image/") || type === "image") {
    return { type: "image", media: { ...media, mimeType: type.startsWith("image/") ? type : "image/jpeg" }, ...(raw.width ? { width: raw.width } : {}), ...(raw.height ? { height: raw.height } : {}) };
  }
  if (type === "voice" || type.startsWith("audio/")) {
    // The original is SILK or AMR; media/ tells them apart by their header.
    const isAmr = /\.amr$/i.test(raw.filename ?? raw.url);
    const transcript = raw.asr_refer_text?.trim();
    return { type: "audio", media: { ...media, mimeType: isAmr ? "audio/amr" : "audio/silk" }, isVoiceNote: true, ...(transcript ? { transcript } : {}) };
  }
  if (type.startsWith("video/")) return { type: "video", media: { ...media, mimeType: type } };
  return { type: "file", media: { ...media, mimeType: "application/octet-stream" } };
}

/** `<@!id>` / `<@id>` in guild message content; `<@everyone>` mentions everyone. */
const mentionPattern = /<@!?([^>\s]+)>/g;

function guildSegments(content: string, selfId: string | undefined, isAtEvent: boolean, botMentions: ReadonlySet<string>): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const match of content.matchAll(mentionPattern)) {
    if (match.index > at) segments.push({ type: "text", text: content.slice(at, match.index) });
    const userId = match[1]!;
    if (userId === "everyone") segments.push({ type: "mention-all", text: match[0] });
    // Without a known self id, an AT_MESSAGE_CREATE's bot mention is the bot (QQ sends it only when the bot is @mentioned).
    else segments.push({ type: "mention", userId, text: match[0], isSelf: selfId !== undefined ? userId === selfId : isAtEvent && botMentions.has(userId) });
    at = match.index + match[0].length;
  }
  if (at < content.length) segments.push({ type: "text", text: content.slice(at) });
  return segments;
}

const epochMs = (timestamp: string | number | undefined, fallback: number) => {
  if (timestamp === undefined) return fallback;
  const value = typeof timestamp === "number" ? timestamp * 1000 : Date.parse(timestamp);
  return Number.isFinite(value) ? value : fallback;
};

/**
 * One message event → InboundMessage (pure); undefined for what Pincer does not answer: other events,
 * a bot's own messages, malformed data, and messages with nothing in them. `selfId` is the bot's user id
 * in guilds (READY, or GET /users/@me), to tell its @mentions from others'.
 */
export function toInboundMessage(eventName: string, data: unknown, receivedAt: number, selfId?: string): InboundMessage | undefined {
  if (!(messageEvents as readonly string[]).includes(eventName)) return undefined;
  const parsed = messageSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const message = parsed.data;
  if (message.author.bot) return undefined;
  let conversation: ConversationRef;
  let senderId: string | undefined;
  let segments: Segment[];
  const content = message.content.trim();
  switch (eventName as MessageEventName) {
    case "C2C_MESSAGE_CREATE":
      senderId = message.author.user_openid ?? message.author.id;
      conversation = { platform, chatId: `user:${senderId}`, kind: "direct" };
      segments = content ? [{ type: "text", text: content }] : [];
      break;
    case "GROUP_AT_MESSAGE_CREATE":
      if (!message.group_openid) return undefined;
      senderId = message.author.member_openid ?? message.author.id;
      conversation = { platform, chatId: `group:${message.group_openid}`, kind: "group" };
      // QQ takes the @bot out of the content and delivers only messages that @mention the bot.
      segments = [{ type: "mention", userId: "self", text: "", isSelf: true }, ...(content ? [{ type: "text" as const, text: content }] : [])];
      break;
    case "AT_MESSAGE_CREATE":
    case "MESSAGE_CREATE":
      if (!message.channel_id) return undefined;
      senderId = message.author.id;
      conversation = { platform, chatId: `channel:${message.channel_id}`, kind: "group" };
      segments = guildSegments(content, selfId, eventName === "AT_MESSAGE_CREATE", new Set((message.mentions ?? []).filter((user) => user.bot).flatMap((user) => (user.id ? [user.id] : []))));
      break;
    case "DIRECT_MESSAGE_CREATE":
      if (!message.guild_id) return undefined;
      senderId = message.author.id;
      conversation = { platform, chatId: `dms:${message.guild_id}`, kind: "direct" };
      segments = content ? [{ type: "text", text: content }] : [];
      break;
  }
  if (!senderId) return undefined;
  const attachments = (message.attachments ?? []).flatMap((raw) => attachmentOf(raw) ?? []);
  const hasText = segments.some((segment) => segment.type !== "mention" || segment.text !== "");
  if (!hasText && attachments.length === 0) return undefined;
  return {
    id: message.id,
    conversation,
    sender: { id: senderId, displayName: message.author.username ?? senderId, isBot: false },
    sentAt: epochMs(message.timestamp, receivedAt),
    segments,
    attachments,
    raw: { t: eventName, d: data },
  };
}
