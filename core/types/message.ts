import type { Locale } from "../i18n/catalogue.ts";
import type { ConversationRef } from "./conversation.ts";

export type Segment =
  | { type: "text"; text: string }
  | { type: "mention"; userId: string; text: string; isSelf: boolean }
  | { type: "mention-all"; text: string }
  | { type: "link"; url: string; text: string };

/** Where an adapter can fetch the bytes later (`adapter.fetchMedia`); never the bytes themselves. */
export interface MediaRef {
  platform: string;
  id: string;
  url?: string;
  mimeType?: string;
  sizeBytes?: number;
  fileName?: string;
}

export type Attachment =
  | { type: "image"; media: MediaRef; width?: number; height?: number; /** Read by OCR in stage 5. */ text?: string }
  | { type: "audio"; media: MediaRef; isVoiceNote: boolean; durationSec?: number; transcript?: string }
  | { type: "video"; media: MediaRef; durationSec?: number }
  | { type: "file"; media: MediaRef };

export interface Sender {
  id: string;
  displayName: string;
  isBot: boolean;
  /** The person's language where the platform tells it (Telegram `language_code`, Slack's user locale…). */
  locale?: Locale;
}

export interface ReplyTo {
  messageId: string;
  /** The replied-to message was sent by this bot: replying to it addresses the bot. */
  isToSelf: boolean;
  text?: string;
}

export interface InboundMessage {
  /** Unique per channel: the inbox dedupes on (channel id, id). */
  id: string;
  conversation: ConversationRef;
  sender: Sender;
  /** Epoch milliseconds. */
  sentAt: number;
  segments: Segment[];
  attachments: Attachment[];
  replyTo?: ReplyTo;
  raw?: unknown;
}

export function plainText(segments: readonly Segment[]): string {
  return segments.map((segment) => segment.text).join("");
}

/** The text meant for the agent: mentions of the bot itself are dropped. */
export function promptText(segments: readonly Segment[]): string {
  return segments
    .filter((segment) => !(segment.type === "mention" && segment.isSelf))
    .map((segment) => segment.text)
    .join("")
    .replace(/[ \t]{2,}/g, " ")
    .trim();
}

export function mentionsBot(message: InboundMessage): boolean {
  return message.segments.some((segment) => segment.type === "mention" && segment.isSelf);
}

/** Where the answer to `message` goes: its conversation, marked with the message it answers. */
export function answerTo(message: InboundMessage): ConversationRef {
  return {
    ...message.conversation,
    inReplyTo: { messageId: message.id, senderId: message.sender.id, senderName: message.sender.displayName },
  };
}

/** The message as reported by the adapter of channel `channelId` (unset: the platform's default channel). */
export function inChannel(message: InboundMessage, channelId: string | undefined): InboundMessage {
  return channelId === undefined ? message : { ...message, conversation: { ...message.conversation, channelId } };
}
