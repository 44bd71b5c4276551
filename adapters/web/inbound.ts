import { z } from "zod";
import type { Attachment, InboundMessage, MediaRef } from "../../core/types/message.ts";
import type { UploadMeta } from "./uploads.ts";

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const webMessageSchema = z
  .object({
    conversationId: z.string().regex(idPattern, { error: "expected 1-64 letters, digits, _ or -" }),
    messageId: z.string().regex(idPattern, { error: "expected 1-64 letters, digits, _ or -" }),
    text: z.string().max(20_000).default(""),
    /** Ids returned by `POST /api/web/uploads`. */
    attachments: z.array(z.uuid()).max(4).default([]),
  })
  .refine((body) => body.text.trim() !== "" || body.attachments.length > 0, { error: "expected text or attachments", path: ["text"] });

export type WebMessage = z.infer<typeof webMessageSchema>;

/** The local web-chat user is the owner; each browser conversation is a direct chat. */
export const webOwnerId = "owner";

/** The page records voice notes under this name; any other audio is a clip. */
export const voiceNoteName = "voice-note";

export function toAttachment(upload: UploadMeta): Attachment {
  const media: MediaRef = { platform: "web", id: upload.id, mimeType: upload.mimeType, sizeBytes: upload.sizeBytes, fileName: upload.fileName };
  const kind = upload.mimeType.split("/")[0];
  if (kind === "image") return { type: "image", media };
  if (kind === "audio") return { type: "audio", media, isVoiceNote: upload.fileName.startsWith(voiceNoteName) };
  if (kind === "video") return { type: "video", media };
  return { type: "file", media };
}

export function toInboundMessage(body: WebMessage, uploads: readonly UploadMeta[], receivedAt: number): InboundMessage {
  return {
    id: `${body.conversationId}:${body.messageId}`,
    conversation: { platform: "web", chatId: body.conversationId, kind: "direct" },
    sender: { id: webOwnerId, displayName: "Owner", isBot: false },
    sentAt: receivedAt,
    segments: body.text ? [{ type: "text", text: body.text }] : [],
    attachments: uploads.map(toAttachment),
  };
}
