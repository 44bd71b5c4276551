import { z } from "zod";
import type { Attachment, InboundMessage, MediaRef, Segment } from "../../core/types/message.ts";
import { buttonCommand } from "../../core/types/reply.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";

export const platform = "dingtalk";

/** `content` arrives as an object (Stream and HTTP callbacks); some relays send it as a JSON string. */
const contentObject = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return {};
  }
}, z.record(z.string(), z.unknown()));

/** Epoch milliseconds, which DingTalk documents as a String for `createAt` and sends as a number. */
const epochMs = z.union([z.number(), z.string().regex(/^\d{1,16}$/).transform(Number)]);

/** A robot message callback (topic `/v1.0/im/bot/messages/get`, or the HTTP callback's body). */
export const robotMessageSchema = z.object({
  msgId: z.string().min(1),
  msgtype: z.string().min(1),
  /** "1": 1:1 chat with the robot; "2": group. */
  conversationType: z.enum(["1", "2"]),
  conversationId: z.string().min(1),
  conversationTitle: z.string().optional(),
  senderId: z.string().min(1),
  senderStaffId: z.string().optional(),
  senderNick: z.string().optional(),
  chatbotUserId: z.string().optional(),
  robotCode: z.string().optional(),
  isInAtList: z.boolean().optional(),
  atUsers: z.array(z.object({ dingtalkId: z.string().optional(), staffId: z.string().optional() })).optional(),
  createAt: epochMs.optional(),
  sessionWebhook: z.string().optional(),
  sessionWebhookExpiredTime: epochMs.optional(),
  text: z.object({ content: z.string() }).optional(),
  content: contentObject.optional(),
});
export type RobotMessage = z.infer<typeof robotMessageSchema>;

/** A card button's callback (topic `/v1.0/card/instances/callback`): `value` is a JSON string. */
export const cardCallbackSchema = z.object({
  outTrackId: z.string().min(1),
  userId: z.string().min(1),
  value: z.string().optional(),
  content: z.string().optional(),
});
export type CardCallback = z.infer<typeof cardCallbackSchema>;

const str = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined);

/** Whom the answer goes to: the sender's staff id in a 1:1 chat (batchSend's `userIds`), the open conversation id in a group. */
export function conversationOf(message: RobotMessage): ConversationRef {
  return message.conversationType === "2"
    ? { platform, chatId: message.conversationId, kind: "group" }
    : { platform, chatId: message.senderStaffId ?? message.senderId, kind: "direct" };
}

const media = (downloadCode: string, extra: Partial<MediaRef> = {}): MediaRef => ({ platform, id: downloadCode, ...extra });

/** The robot is addressed: DingTalk says so (`isInAtList`), or lists its own id among the @-mentioned. */
function isAddressed(message: RobotMessage): boolean {
  if (message.isInAtList === true) return true;
  const self = message.chatbotUserId;
  return self !== undefined && (message.atUsers ?? []).some((user) => user.dingtalkId === self);
}

function richTextParts(content: Record<string, unknown>): { text: string; attachments: Attachment[] } {
  const items = Array.isArray(content.richText) ? (content.richText as Record<string, unknown>[]) : [];
  const texts: string[] = [];
  const attachments: Attachment[] = [];
  for (const item of items) {
    const code = str(item.downloadCode) ?? str(item.pictureDownloadCode);
    if (item.type === "picture" && code) attachments.push({ type: "image", media: media(code, { mimeType: "image/jpeg" }) });
    else if (str(item.text)) texts.push(item.text as string);
  }
  return { text: texts.join(""), attachments };
}

/** The words and attachments of a message, by `msgtype`; undefined for a type we do not take. */
function body(message: RobotMessage): { text: string; attachments: Attachment[] } | undefined {
  const content = message.content ?? {};
  const code = str(content.downloadCode);
  switch (message.msgtype) {
    case "text":
      return { text: message.text?.content ?? "", attachments: [] };
    case "richText":
      return richTextParts(content);
    case "picture":
      return code ? { text: "", attachments: [{ type: "image", media: media(code, { mimeType: "image/jpeg" }) }] } : undefined;
    case "audio": {
      if (!code) return undefined;
      const durationMs = num(content.duration);
      const transcript = str(content.recognition)?.trim();
      const attachment: Attachment = {
        type: "audio",
        media: media(code),
        isVoiceNote: true,
        ...(durationMs !== undefined ? { durationSec: Math.round(durationMs / 1000) } : {}),
        ...(transcript ? { transcript } : {}),
      };
      return { text: "", attachments: [attachment] };
    }
    case "video": {
      if (!code) return undefined;
      const durationSec = num(content.duration);
      return { text: "", attachments: [{ type: "video", media: media(code, { mimeType: "video/mp4" }), ...(durationSec !== undefined ? { durationSec } : {}) }] };
    }
    case "file": {
      if (!code) return undefined;
      const fileName = str(content.fileName);
      return { text: "", attachments: [{ type: "file", media: media(code, fileName ? { fileName } : {}) }] };
    }
    default:
      return undefined;
  }
}

/**
 * A robot message → an InboundMessage; undefined for a type we do not take. DingTalk removes the
 * robot's own @name from a group message's text and says it was addressed with `isInAtList`: that
 * becomes a mention of the bot (isSelf), so group gating and the prompt see it as on other platforms.
 */
export function toInboundMessage(message: RobotMessage, now: number): InboundMessage | undefined {
  const parts = body(message);
  if (!parts) return undefined;
  const segments: Segment[] = [];
  if (message.conversationType === "2" && isAddressed(message)) {
    segments.push({ type: "mention", userId: message.chatbotUserId ?? message.robotCode ?? "robot", text: "", isSelf: true });
  }
  const text = parts.text.trim();
  if (text) segments.push({ type: "text", text });
  const senderId = message.senderStaffId ?? message.senderId;
  return {
    id: message.msgId,
    conversation: conversationOf(message),
    sender: { id: senderId, displayName: message.senderNick ?? senderId, isBot: false },
    sentAt: message.createAt ?? now,
    segments,
    attachments: parts.attachments,
    raw: { msgtype: message.msgtype, conversationId: message.conversationId },
  };
}

/** What a card button carries: `cardPrivateData.params.command` (the template binds it), else the clicked action id. */
export function buttonIdOf(callback: CardCallback): string | undefined {
  for (const raw of [callback.value, callback.content]) {
    if (!raw) continue;
    try {
      const data = (JSON.parse(raw) as { cardPrivateData?: { actionIds?: unknown; params?: Record<string, unknown> } }).cardPrivateData;
      const command = str(data?.params?.command);
      if (command) return command;
      const actionId = Array.isArray(data?.actionIds) ? str(data.actionIds[0]) : undefined;
      if (actionId && /^(approve|deny) \w+$/.test(actionId)) return actionId;
    } catch {
      // not JSON: try the next field
    }
  }
  return undefined;
}

/** A click on a card we sent, in the conversation we sent it to, as the command its button stands for. */
export function cardCallbackToInbound(callback: CardCallback, conversation: ConversationRef, now: number): InboundMessage | undefined {
  const buttonId = buttonIdOf(callback);
  if (!buttonId) return undefined;
  return {
    id: `card:${callback.outTrackId}:${buttonId}:${callback.userId}`,
    conversation: { platform, chatId: conversation.chatId, kind: conversation.kind },
    sender: { id: callback.userId, displayName: callback.userId, isBot: false },
    sentAt: now,
    segments: [{ type: "text", text: buttonCommand(buttonId) }],
    attachments: [],
  };
}
