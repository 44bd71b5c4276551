import { z } from "zod";

/**
 * The parts of a Bot API `Update` this adapter reads (https://core.telegram.org/bots/api#update).
 * Objects are loose: Telegram adds fields often, and unknown ones must not make a webhook answer 400.
 */

export const userSchema = z.looseObject({
  id: z.number(),
  is_bot: z.boolean(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

export const chatSchema = z.looseObject({
  id: z.number(),
  type: z.enum(["private", "group", "supergroup", "channel"]),
  title: z.string().optional(),
});

export const entitySchema = z.looseObject({
  type: z.string(),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  url: z.string().optional(),
  user: userSchema.optional(),
});

const fileSchema = z.looseObject({
  file_id: z.string(),
  file_unique_id: z.string().optional(),
  file_size: z.number().optional(),
});

const photoSizeSchema = fileSchema.extend({ width: z.number(), height: z.number() });
const timedFileSchema = fileSchema.extend({ duration: z.number().optional(), mime_type: z.string().optional() });
const documentSchema = fileSchema.extend({ file_name: z.string().optional(), mime_type: z.string().optional() });

const baseMessageSchema = z.looseObject({
  message_id: z.number(),
  message_thread_id: z.number().optional(),
  is_topic_message: z.boolean().optional(),
  from: userSchema.optional(),
  chat: chatSchema,
  date: z.number(),
  text: z.string().optional(),
  entities: z.array(entitySchema).optional(),
  caption: z.string().optional(),
  caption_entities: z.array(entitySchema).optional(),
  photo: z.array(photoSizeSchema).optional(),
  voice: timedFileSchema.optional(),
  audio: timedFileSchema.extend({ file_name: z.string().optional(), title: z.string().optional() }).optional(),
  video_note: timedFileSchema.optional(),
  video: timedFileSchema.extend({ file_name: z.string().optional(), width: z.number().optional(), height: z.number().optional() }).optional(),
  document: documentSchema.optional(),
  forum_topic_created: z.looseObject({ name: z.string() }).optional(),
});

export const messageSchema = baseMessageSchema.extend({
  reply_to_message: baseMessageSchema.optional(),
});

export const callbackQuerySchema = z.looseObject({
  id: z.string(),
  from: userSchema,
  message: baseMessageSchema.optional(),
  data: z.string().optional(),
});

export const updateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: messageSchema.optional(),
  edited_message: z.unknown().optional(),
  callback_query: callbackQuerySchema.optional(),
});

export type TelegramUser = z.infer<typeof userSchema>;
export type TelegramEntity = z.infer<typeof entitySchema>;
export type TelegramMessage = z.infer<typeof messageSchema>;
export type TelegramCallbackQuery = z.infer<typeof callbackQuerySchema>;
export type TelegramUpdate = z.infer<typeof updateSchema>;
