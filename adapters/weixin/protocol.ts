import { z } from "zod";

/**
 * The iLink bot API wire shapes (Tencent/openclaw-weixin docs/protocol.md and src/api/types.ts).
 * Unknown fields are kept out; every field is optional on the wire, so the schemas are lenient and
 * the code decides what it needs.
 */

/** The protocol revision this client follows; sent as base_info.channel_version and iLink-App-ClientVersion. */
export const protocolVersion = "2.4.8";
export const botAgent = "Pincer/0.1";

export const itemType = { text: 1, image: 2, voice: 3, file: 4, video: 5 } as const;
export const messageType = { user: 1, bot: 2 } as const;
export const uploadMediaType = { image: 1, video: 2, file: 3, voice: 4 } as const;
export const typingStatus = { typing: 1, cancel: 2 } as const;

/** errcode/ret -14: the bot session (the login) expired; only a new QR login helps. */
export const sessionExpiredCode = -14;
/** ret -2 on sendmessage: the reply window is closed (context token stale or its send budget spent). */
export const windowClosedCode = -2;

/** uint64 ids arrive as numbers or strings; keep them as decimal strings. */
const idString = z.union([z.string(), z.number()]).transform((value) => String(value));

export const cdnMediaSchema = z.object({
  encrypt_query_param: z.string().optional(),
  aes_key: z.string().optional(),
  encrypt_type: z.number().optional(),
  full_url: z.string().optional(),
});
export type CdnMedia = z.infer<typeof cdnMediaSchema>;

const baseItemSchema = z.object({
  type: z.number().optional(),
  create_time_ms: z.number().optional(),
  msg_id: z.string().optional(),
  text_item: z.object({ text: z.string().optional() }).optional(),
  image_item: z
    .object({
      media: cdnMediaSchema.optional(),
      thumb_media: cdnMediaSchema.optional(),
      /** Raw key as 32 hex characters; preferred over media.aes_key for images. */
      aeskey: z.string().optional(),
      url: z.string().optional(),
      mid_size: z.number().optional(),
      hd_size: z.number().optional(),
      thumb_width: z.number().optional(),
      thumb_height: z.number().optional(),
    })
    .optional(),
  voice_item: z
    .object({
      media: cdnMediaSchema.optional(),
      encode_type: z.number().optional(),
      sample_rate: z.number().optional(),
      /** Milliseconds. */
      playtime: z.number().optional(),
      /** WeChat's own transcript. */
      text: z.string().optional(),
    })
    .optional(),
  file_item: z
    .object({
      media: cdnMediaSchema.optional(),
      file_name: z.string().optional(),
      md5: z.string().optional(),
      /** Plaintext size in bytes, as a decimal string. */
      len: z.union([z.string(), z.number()]).optional(),
    })
    .optional(),
  video_item: z
    .object({
      media: cdnMediaSchema.optional(),
      video_size: z.number().optional(),
      play_length: z.number().optional(),
    })
    .optional(),
});

export type MessageItem = z.infer<typeof baseItemSchema> & { ref_msg?: RefMessage };
export interface RefMessage {
  message_item?: MessageItem;
  title?: string;
  svr_id?: string;
}

export const messageItemSchema: z.ZodType<MessageItem> = baseItemSchema.extend({
  ref_msg: z
    .lazy(() =>
      z.object({
        message_item: messageItemSchema.optional(),
        title: z.string().optional(),
        svr_id: idString.optional(),
      }),
    )
    .optional(),
}) as z.ZodType<MessageItem>;

export const weixinMessageSchema = z.object({
  seq: z.number().optional(),
  message_id: idString.optional(),
  from_user_id: z.string().optional(),
  to_user_id: z.string().optional(),
  client_id: z.string().optional(),
  create_time_ms: z.number().optional(),
  session_id: z.string().optional(),
  group_id: z.string().optional(),
  message_type: z.number().optional(),
  message_state: z.number().optional(),
  item_list: z.array(messageItemSchema).optional(),
  context_token: z.string().optional(),
});
export type WeixinMessage = z.infer<typeof weixinMessageSchema>;

const resultShape = { ret: z.number().optional(), errcode: z.number().optional(), errmsg: z.string().optional() };

export const getUpdatesResponseSchema = z.object({
  ...resultShape,
  /** Kept raw here: one malformed message must not drop the whole batch. */
  msgs: z.array(z.unknown()).optional(),
  get_updates_buf: z.string().optional(),
  longpolling_timeout_ms: z.number().optional(),
});

/** The answer of calls that carry nothing but a result (notifystart, notifystop). */
export const resultSchema = z.object(resultShape);

/**
 * The session notices: `notifystart` tells WeChat the bot is listening (after a login, at each start, and to
 * revive a session that answered -14), `notifystop` that it stops. UNVERIFIED paths: chosen by analogy with the
 * other `ilink/bot/…` operations; see README "Where each wire detail comes from".
 */
export const sessionNoticePaths = { start: "ilink/bot/msg/notifystart", stop: "ilink/bot/msg/notifystop" } as const;

export const sendMessageResponseSchema = z.object({ ...resultShape, message_id: idString.optional() });
export const getConfigResponseSchema = z.object({ ...resultShape, typing_ticket: z.string().optional() });
export const getUploadUrlResponseSchema = z.object({
  ...resultShape,
  upload_param: z.string().optional(),
  thumb_upload_param: z.string().optional(),
  upload_full_url: z.string().optional(),
});

export const qrCodeResponseSchema = z.object({ ...resultShape, qrcode: z.string(), qrcode_img_content: z.string() });

export const qrStatusSchema = z.object({
  ...resultShape,
  status: z.string(),
  bot_token: z.string().optional(),
  ilink_bot_id: z.string().optional(),
  baseurl: z.string().optional(),
  ilink_user_id: z.string().optional(),
  redirect_host: z.string().optional(),
});
export type QrStatus = z.infer<typeof qrStatusSchema>;

/** What sendmessage carries: one item per message (as the reference client does). */
export type OutboundItem =
  | { type: typeof itemType.text; text_item: { text: string } }
  | { type: typeof itemType.image; image_item: { media: CdnMedia; mid_size: number } }
  | { type: typeof itemType.file; file_item: { media: CdnMedia; file_name: string; len: string } };
