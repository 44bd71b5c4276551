import { z } from "zod";
import type { ConversationKind } from "../../core/types/conversation.ts";
import type { Attachment, InboundMessage, MediaRef, Segment } from "../../core/types/message.ts";
import { parseSlackText } from "./text.ts";
import { buttonCommand } from "../../core/types/reply.ts";

/** Who the app is, from `auth.test` (or the event's `authorizations` before that answered). */
export interface SlackSelf {
  userId: string | undefined;
  botId: string | undefined;
}

export const slackFileSchema = z.object({
  id: z.string(),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  filetype: z.string().nullish(),
  /** `slack_audio` / `slack_video`: a clip recorded in Slack. */
  subtype: z.string().nullish(),
  size: z.number().nullish(),
  url_private: z.string().nullish(),
  url_private_download: z.string().nullish(),
  duration_ms: z.number().nullish(),
  original_w: z.number().nullish(),
  original_h: z.number().nullish(),
});
export type SlackFile = z.infer<typeof slackFileSchema>;

export const slackMessageEventSchema = z.object({
  type: z.enum(["message", "app_mention"]),
  channel: z.string().min(1),
  channel_type: z.string().nullish(),
  user: z.string().nullish(),
  bot_id: z.string().nullish(),
  subtype: z.string().nullish(),
  text: z.string().nullish(),
  ts: z.string().regex(/^\d+(\.\d+)?$/),
  thread_ts: z.string().nullish(),
  parent_user_id: z.string().nullish(),
  files: z.array(slackFileSchema).nullish(),
  user_profile: z
    .object({ display_name: z.string().nullish(), real_name: z.string().nullish(), name: z.string().nullish() })
    .nullish(),
});
export type SlackMessageEvent = z.infer<typeof slackMessageEventSchema>;

/** The Events API body (and Socket Mode `events_api` payload); the inner event is checked by kind. */
export const slackEventCallbackSchema = z.object({
  type: z.literal("event_callback"),
  event_id: z.string().nullish(),
  team_id: z.string().nullish(),
  event: z.looseObject({ type: z.string() }),
  authorizations: z.array(z.object({ user_id: z.string().nullish(), is_bot: z.boolean().nullish() })).nullish(),
});
export type SlackEventCallback = z.infer<typeof slackEventCallbackSchema>;

export const slackBlockActionsSchema = z.object({
  type: z.literal("block_actions"),
  user: z.object({ id: z.string(), username: z.string().nullish(), name: z.string().nullish() }),
  channel: z.object({ id: z.string(), name: z.string().nullish() }).nullish(),
  container: z
    .object({ channel_id: z.string().nullish(), message_ts: z.string().nullish(), thread_ts: z.string().nullish() })
    .nullish(),
  message: z.object({ ts: z.string().nullish(), thread_ts: z.string().nullish() }).nullish(),
  trigger_id: z.string().nullish(),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.string().nullish(), action_ts: z.string().nullish(), type: z.string().nullish() }))
    .min(1),
});
export type SlackBlockActions = z.infer<typeof slackBlockActionsSchema>;

/** Message subtypes that are a person saying something; every other subtype (edits, deletions, joins, bots) is ignored. */
const spokenSubtypes = new Set(["file_share", "thread_broadcast", "me_message"]);

/** A message or mention a person wrote (not an edit, deletion, join…): its shape must then be one we read. */
export function isSpokenEvent(event: { type: string; subtype?: unknown }): boolean {
  if (event.type !== "message" && event.type !== "app_mention") return false;
  return event.subtype === undefined || event.subtype === null || spokenSubtypes.has(String(event.subtype));
}

export const slackTsToMs = (ts: string): number => Math.round(Number.parseFloat(ts) * 1000);

/** Slack ids are unique per channel only: `${channel}:${ts}` is stable across retries and the message/app_mention twins. */
export const slackMessageId = (channel: string, ts: string): string => `${channel}:${ts}`;

function kindOf(event: SlackMessageEvent): ConversationKind {
  if (event.type === "app_mention") return "group";
  if (event.channel_type) return event.channel_type === "im" ? "direct" : "group";
  return event.channel.startsWith("D") ? "direct" : "group";
}

export function fileAttachment(file: SlackFile): Attachment {
  const media: MediaRef = {
    platform: "slack",
    id: file.id,
    ...(file.url_private ? { url: file.url_private } : {}),
    ...(file.mimetype ? { mimeType: file.mimetype } : {}),
    ...(typeof file.size === "number" ? { sizeBytes: file.size } : {}),
    ...(file.name || file.title ? { fileName: (file.name || file.title)! } : {}),
  };
  const kind = (file.mimetype ?? "").split("/")[0];
  const durationSec = typeof file.duration_ms === "number" ? file.duration_ms / 1000 : undefined;
  if (file.subtype === "slack_audio" || kind === "audio") {
    return { type: "audio", media, isVoiceNote: file.subtype === "slack_audio", ...(durationSec !== undefined ? { durationSec } : {}) };
  }
  if (kind === "image") {
    return { type: "image", media, ...(file.original_w ? { width: file.original_w } : {}), ...(file.original_h ? { height: file.original_h } : {}) };
  }
  if (file.subtype === "slack_video" || kind === "video") return { type: "video", media, ...(durationSec !== undefined ? { durationSec } : {}) };
  return { type: "file", media };
}

function botUserIdOf(body: SlackEventCallback, self: SlackSelf): string | undefined {
  return self.userId ?? body.authorizations?.find((authorization) => authorization.is_bot)?.user_id ?? undefined;
}

/**
 * An `event_callback` body as the message a person sent, or undefined for what the bridge ignores:
 * other event kinds, bots (this app included), edits, deletions and other subtypes.
 */
export function toInboundMessage(body: SlackEventCallback, self: SlackSelf): InboundMessage | undefined {
  const parsed = slackMessageEventSchema.safeParse(body.event);
  if (!parsed.success) return undefined;
  const event = parsed.data;
  const botUserId = botUserIdOf(body, self);
  if (event.subtype && !spokenSubtypes.has(event.subtype)) return undefined;
  if (event.bot_id || !event.user) return undefined;
  if (event.user === botUserId || (self.botId !== undefined && event.bot_id === self.botId)) return undefined;

  const kind = kindOf(event);
  const segments: Segment[] = parseSlackText(event.text ?? "", botUserId);
  if (event.type === "app_mention" && !segments.some((segment) => segment.type === "mention" && segment.isSelf)) {
    segments.unshift({ type: "mention", userId: botUserId ?? "", text: "", isSelf: true });
  }
  const isThreadReply = Boolean(event.thread_ts && event.thread_ts !== event.ts);
  // A channel message that starts no thread gets its answer in a thread under it; DMs are answered in place.
  const threadId = event.thread_ts ?? (kind === "group" ? event.ts : undefined);
  const profile = event.user_profile;
  return {
    id: slackMessageId(event.channel, event.ts),
    conversation: { platform: "slack", chatId: event.channel, kind, ...(threadId ? { threadId } : {}) },
    sender: { id: event.user, displayName: profile?.display_name || profile?.real_name || profile?.name || event.user, isBot: false },
    sentAt: slackTsToMs(event.ts),
    segments,
    attachments: (event.files ?? []).map(fileAttachment),
    ...(isThreadReply && event.parent_user_id && event.parent_user_id === botUserId
      ? { replyTo: { messageId: slackMessageId(event.channel, event.thread_ts!), isToSelf: true } }
      : {}),
    // The event only: the envelope carries the (deprecated) verification token.
    raw: body.event,
  };
}


/** A button click (interactivity `block_actions`) as the message its command would be. */
export function actionToInboundMessage(payload: SlackBlockActions): InboundMessage | undefined {
  const action = payload.actions[0]!;
  const channel = payload.channel?.id ?? payload.container?.channel_id;
  if (!channel) return undefined;
  const kind: ConversationKind = channel.startsWith("D") || payload.channel?.name === "directmessage" ? "direct" : "group";
  const threadId = payload.container?.thread_ts ?? payload.message?.thread_ts ?? (kind === "group" ? payload.container?.message_ts : undefined);
  const actionTs = action.action_ts ?? payload.container?.message_ts;
  const text = buttonCommand(action.value ?? action.action_id);
  return {
    id: `action:${payload.trigger_id ?? actionTs ?? `${channel}:${action.action_id}`}`,
    conversation: { platform: "slack", chatId: channel, kind, ...(threadId ? { threadId } : {}) },
    sender: { id: payload.user.id, displayName: payload.user.name || payload.user.username || payload.user.id, isBot: false },
    sentAt: actionTs ? slackTsToMs(actionTs) : Date.now(),
    segments: [{ type: "text", text }],
    attachments: [],
    raw: { type: payload.type, user: payload.user, channel: payload.channel, container: payload.container, actions: payload.actions },
  };
}
