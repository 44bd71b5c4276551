import { z } from "zod";
import type { Attachment, InboundMessage, MediaRef, ReplyTo, Segment } from "../../core/types/message.ts";

export const wechatPlatform = "wechat";

/**
 * A wechaty message as plain data, read from the SDK by `snapshot.ts`. Everything the normalizer
 * needs is here, so it can be tested on captured JSON without wechaty.
 */
export const messageSnapshotSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(["text", "audio", "image", "file", "video", "other"]),
  text: z.string(),
  talker: z.object({
    id: z.string().min(1),
    name: z.string(),
    isSelf: z.boolean(),
    /** wechaty's ContactType: official accounts are ignored. */
    type: z.enum(["individual", "official", "corporation", "unknown"]),
  }),
  room: z.object({ id: z.string().min(1), topic: z.string() }).optional(),
  /** From the platform's mention list (`mentionIdList`): who the message @mentions, by id and shown name. */
  mentions: z.array(z.object({ id: z.string(), name: z.string(), isSelf: z.boolean() })).default([]),
  /** `message.mentionSelf()`: true even when the bot's name cannot be found in the text. */
  isMentioningSelf: z.boolean(),
  /** The bot's own display name, for quotes of its messages. */
  selfName: z.string(),
  /** wechaty's `payload.timestamp`: seconds from most puppets, milliseconds from some. */
  timestamp: z.number(),
  /** File name from the payload, when the puppet gives one. */
  fileName: z.string().optional(),
});

export type MessageSnapshot = z.infer<typeof messageSnapshotSchema>;

export type NormalizeResult = { isIgnored: true; reason: string } | { isIgnored: false; message: InboundMessage };

/** Timestamps below 1e11 are seconds (wechaty's own rule, `timestampToDate`). */
export function toEpochMs(timestamp: number): number {
  return timestamp < 1e11 ? Math.round(timestamp * 1000) : Math.round(timestamp);
}

/**
 * A quoted reply ("引用") reaches bots as text: `「Name：quoted」`, a dashed line, then the reply
 * (wechat4u and PadLocal). wechaty 1.20 has no structured quote, so this is read from the text.
 */
const quotePattern = /^「([^：:]*)[：:]([\s\S]*?)」\n- - - - - - - - - - - - - - -\n([\s\S]*)$/;

export interface ParsedQuote {
  quotedName: string;
  quotedText: string;
  text: string;
}

export function parseQuote(text: string): ParsedQuote | undefined {
  const match = quotePattern.exec(text);
  if (!match) return undefined;
  return { quotedName: match[1]!.trim(), quotedText: match[2]!.trim(), text: match[3]! };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The text cut into text and mention segments. WeChat writes a mention as `@Name` followed by a
 * four-per-em space (U+2005), a space or the end; the names and ids come from the mention list.
 */
export function toSegments(text: string, mentions: MessageSnapshot["mentions"], isMentioningSelf: boolean, selfId: string): Segment[] {
  const named = mentions.filter((mention) => mention.name !== "");
  const segments: Segment[] = [];
  if (named.length > 0) {
    const alternatives = [...named].sort((a, b) => b.name.length - a.name.length).map((mention) => escapeRegExp(mention.name));
    const pattern = new RegExp(`@(${alternatives.join("|")})(?:\u2005| |$)`, "gu");
    let last = 0;
    for (const match of text.matchAll(pattern)) {
      const mention = named.find((candidate) => candidate.name === match[1])!;
      if (match.index > last) segments.push({ type: "text", text: text.slice(last, match.index) });
      segments.push({ type: "mention", userId: mention.id, text: `@${mention.name}`, isSelf: mention.isSelf });
      last = match.index + match[0].length;
      if (match[0].length > mention.name.length + 1) segments.push({ type: "text", text: " " });
    }
    if (last < text.length) segments.push({ type: "text", text: text.slice(last) });
  } else if (text) {
    segments.push({ type: "text", text });
  }
  const hasSelfSegment = segments.some((segment) => segment.type === "mention" && segment.isSelf);
  if (isMentioningSelf && !hasSelfSegment) segments.unshift({ type: "mention", userId: selfId, text: "", isSelf: true });
  return mergeText(segments);
}

function mergeText(segments: Segment[]): Segment[] {
  const merged: Segment[] = [];
  for (const segment of segments) {
    const previous = merged.at(-1);
    if (segment.type === "text" && previous?.type === "text") merged[merged.length - 1] = { type: "text", text: previous.text + segment.text };
    else merged.push(segment);
  }
  return merged.filter((segment) => segment.type !== "text" || segment.text !== "");
}

function toAttachment(snapshot: MessageSnapshot): Attachment | undefined {
  // No media type here: voice is SILK from the iPad protocol but MP3 from the web one; fetchMedia tells.
  const media: MediaRef = { platform: wechatPlatform, id: snapshot.id };
  if (snapshot.fileName) media.fileName = snapshot.fileName;
  switch (snapshot.kind) {
    case "audio":
      return { type: "audio", media, isVoiceNote: true };
    case "image":
      return { type: "image", media };
    case "video":
      return { type: "video", media };
    case "file":
      return { type: "file", media };
    case "text":
    case "other":
      return undefined;
  }
}

/**
 * A wechaty message as an InboundMessage: contact messages are direct chats, room messages group
 * chats (addressed by an @mention of the bot, a reply to it, or a /command, which the policy
 * checks). The bot's own messages, official accounts and kinds we cannot use are ignored.
 */
export function toInboundMessage(snapshot: MessageSnapshot, selfId: string): NormalizeResult {
  if (snapshot.talker.isSelf || snapshot.talker.id === selfId) return { isIgnored: true, reason: "own message" };
  if (snapshot.talker.type === "official") return { isIgnored: true, reason: "official account" };
  if (snapshot.kind === "other") return { isIgnored: true, reason: "unsupported message kind" };
  const quote = snapshot.kind === "text" ? parseQuote(snapshot.text) : undefined;
  const text = snapshot.kind === "text" ? (quote?.text ?? snapshot.text) : "";
  const attachment = toAttachment(snapshot);
  const message: InboundMessage = {
    id: snapshot.id,
    conversation: snapshot.room
      ? { platform: wechatPlatform, chatId: snapshot.room.id, kind: "group" }
      : { platform: wechatPlatform, chatId: snapshot.talker.id, kind: "direct" },
    sender: { id: snapshot.talker.id, displayName: snapshot.talker.name, isBot: false },
    sentAt: toEpochMs(snapshot.timestamp),
    segments: toSegments(text, snapshot.room ? snapshot.mentions : [], snapshot.room !== undefined && snapshot.isMentioningSelf, selfId),
    attachments: attachment ? [attachment] : [],
  };
  if (quote) message.replyTo = toReplyTo(quote, snapshot);
  return { isIgnored: false, message };
}

/** The quote carries no message id; the quoted person is known only by the name shown. */
function toReplyTo(quote: ParsedQuote, snapshot: MessageSnapshot): ReplyTo {
  return {
    messageId: "",
    isToSelf: snapshot.selfName !== "" && quote.quotedName === snapshot.selfName,
    text: quote.quotedText,
  };
}
