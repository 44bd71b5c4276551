import type { Attachment, InboundMessage, MediaRef, ReplyTo, Segment } from "../../core/types/message.ts";
import { itemType, messageType, type CdnMedia, type MessageItem, type WeixinMessage } from "./protocol.ts";

export const platform = "weixin";

/** What `fetchMedia` needs, packed into MediaRef.id as `<aes key>|<encrypt_query_param>` (the key has no "|"). */
export interface CdnRef {
  aesKey: string;
  encryptQueryParam: string;
  fullUrl?: string | undefined;
}

export function packMediaId(aesKey: string, encryptQueryParam: string): string {
  return `${aesKey}|${encryptQueryParam}`;
}

export function unpackMediaRef(ref: MediaRef): CdnRef | undefined {
  const at = ref.id.indexOf("|");
  if (at <= 0) return undefined;
  return { aesKey: ref.id.slice(0, at), encryptQueryParam: ref.id.slice(at + 1), fullUrl: ref.url };
}

function mediaRef(media: CdnMedia | undefined, keyOverride: string | undefined, extra: Omit<MediaRef, "platform" | "id" | "url">): MediaRef | undefined {
  const key = keyOverride || media?.aes_key;
  if (!media?.encrypt_query_param || !key) return undefined;
  return { platform, id: packMediaId(key, media.encrypt_query_param), ...(media.full_url ? { url: media.full_url } : {}), ...extra };
}

function textOfItem(item: MessageItem | undefined): string | undefined {
  if (!item) return undefined;
  if (item.type === itemType.text) return item.text_item?.text;
  if (item.type === itemType.voice) return item.voice_item?.text;
  if (item.type === itemType.image) return "[image]";
  if (item.type === itemType.file) return `[file ${item.file_item?.file_name ?? ""}]`.replace(" ]", "]");
  if (item.type === itemType.video) return "[video]";
  return undefined;
}

function attachmentOf(item: MessageItem): Attachment | undefined {
  switch (item.type) {
    case itemType.image: {
      const image = item.image_item;
      const sizeBytes = image?.hd_size ?? image?.mid_size;
      const media = mediaRef(image?.media, image?.aeskey, { mimeType: "image/jpeg", ...(sizeBytes ? { sizeBytes } : {}) });
      return media && { type: "image", media };
    }
    case itemType.voice: {
      const voice = item.voice_item;
      // encode_type 6 is SILK, WeChat's usual voice format; media/ recognises it by its header.
      const media = mediaRef(voice?.media, undefined, { mimeType: voice?.encode_type === 6 || voice?.encode_type === undefined ? "audio/silk" : "application/octet-stream", fileName: "voice.silk" });
      const transcript = voice?.text?.trim();
      if (!media && !transcript) return undefined;
      return {
        type: "audio",
        media: media ?? { platform, id: "" },
        isVoiceNote: true,
        ...(voice?.playtime ? { durationSec: voice.playtime / 1000 } : {}),
        ...(transcript ? { transcript } : {}),
      };
    }
    case itemType.file: {
      const file = item.file_item;
      const sizeBytes = file?.len === undefined ? undefined : Number(file.len);
      const media = mediaRef(file?.media, undefined, {
        mimeType: "application/octet-stream",
        ...(file?.file_name ? { fileName: file.file_name } : {}),
        ...(sizeBytes && Number.isFinite(sizeBytes) ? { sizeBytes } : {}),
      });
      return media && { type: "file", media };
    }
    case itemType.video: {
      const video = item.video_item;
      const media = mediaRef(video?.media, undefined, { mimeType: "video/mp4", ...(video?.video_size ? { sizeBytes: video.video_size } : {}) });
      return media && { type: "video", media, ...(video?.play_length ? { durationSec: video.play_length } : {}) };
    }
    default:
      return undefined;
  }
}

function replyToOf(items: readonly MessageItem[]): ReplyTo | undefined {
  const ref = items.find((item) => item.ref_msg)?.ref_msg;
  if (!ref) return undefined;
  const text = textOfItem(ref.message_item) ?? ref.title;
  return {
    messageId: ref.svr_id ?? ref.message_item?.msg_id ?? "",
    // ClawBot chats are one-to-one with the bot, so any quote is in a conversation with it; the
    // protocol does not say who wrote the quoted message.
    isToSelf: false,
    ...(text ? { text } : {}),
  };
}

/**
 * Raw getupdates message → InboundMessage; undefined for what we do not answer: the bot's own
 * messages, group messages (ClawBot is for direct chats), messages still being generated, and
 * messages with nothing in them.
 */
export function toInboundMessage(message: WeixinMessage, receivedAt: number): InboundMessage | undefined {
  const from = message.from_user_id;
  if (!from || message.message_type === messageType.bot || message.group_id) return undefined;
  const id = message.message_id ?? (message.seq !== undefined ? `${from}:seq:${message.seq}` : message.client_id);
  if (!id) return undefined;
  const items = message.item_list ?? [];
  const segments: Segment[] = [];
  const attachments: Attachment[] = [];
  for (const item of items) {
    if (item.type === itemType.text && item.text_item?.text) {
      segments.push({ type: "text", text: segments.length > 0 ? `\n${item.text_item.text}` : item.text_item.text });
      continue;
    }
    const attachment = attachmentOf(item);
    if (attachment) attachments.push(attachment);
  }
  if (segments.length === 0 && attachments.length === 0) return undefined;
  const replyTo = replyToOf(items);
  return {
    id,
    conversation: { platform, chatId: from, kind: "direct" },
    sender: { id: from, displayName: from, isBot: false },
    sentAt: message.create_time_ms ?? receivedAt,
    segments,
    attachments,
    ...(replyTo ? { replyTo } : {}),
    raw: message,
  };
}
