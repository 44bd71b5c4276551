import { z } from "zod";
import type { InboundMessage } from "../../core/types/message.ts";
import { buttonCommand, type Button } from "../../core/types/reply.ts";
import { platform } from "./inbound.ts";

/**
 * Message buttons (server-inter/message/trans/msg-btn.md): a keyboard under a markdown message, at most 5 rows of 5
 * buttons. Pincer's are callback buttons (`action.type` 1): a press arrives as INTERACTION_CREATE (intent 1<<26) with
 * the button's `data`, is acknowledged with `PUT /interactions/{id}` `{code: 0}`, and may be answered passively with
 * the event's id as `event_id` (send.md). Anyone may press (`permission.type` 2): Pincer decides who may approve.
 */
export const interactionEvent = "INTERACTION_CREATE";

/** INTERACTION_CREATE `type`: 11 a message button, 12 the C2C quick menu (not used by Pincer). */
const messageButtonType = 11;

/** The chat ids' prefix for a reply window opened by a button press: its replies carry `event_id`, not `msg_id`. */
export const eventTokenPrefix = "event:";

const interactionSchema = z
  .object({
    id: z.string().min(1),
    type: z.number().int(),
    scene: z.string().optional(),
    /** 0 guild, 1 group, 2 C2C. */
    chat_type: z.number().int().optional(),
    timestamp: z.union([z.string(), z.number()]).optional(),
    group_openid: z.string().optional(),
    group_member_openid: z.string().optional(),
    user_openid: z.string().optional(),
    data: z.object({ resolved: z.object({ button_data: z.string().optional(), button_id: z.string().optional(), user_id: z.string().optional() }).loose() }).loose(),
  })
  .loose();

/** The interaction's id (to acknowledge it), whatever else it carries. */
export function interactionId(data: unknown): string | undefined {
  const id = (data as { id?: unknown } | null)?.id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/**
 * A button press → InboundMessage (pure): the button's data is a command without its slash (`approve 3f2a`), so the
 * press reads as the presser typing it. Its id is `event:<interaction id>`, which opens a reply window whose answers
 * go out with `event_id`. Guild presses and the C2C quick menu are not Pincer's: undefined.
 */
export function interactionToInbound(data: unknown, receivedAt: number): InboundMessage | undefined {
  const parsed = interactionSchema.safeParse(data);
  if (!parsed.success || parsed.data.type !== messageButtonType) return undefined;
  const press = parsed.data;
  const command = press.data.resolved.button_data?.trim();
  if (!command) return undefined;
  const text = buttonCommand(command);
  const sentAt = typeof press.timestamp === "string" ? Date.parse(press.timestamp) : typeof press.timestamp === "number" ? press.timestamp * 1000 : Number.NaN;
  const common = { id: `${eventTokenPrefix}${press.id}`, sentAt: Number.isFinite(sentAt) ? sentAt : receivedAt, attachments: [], raw: { t: interactionEvent, d: data } };
  if (press.group_openid && press.group_member_openid) {
    return {
      ...common,
      conversation: { platform, chatId: `group:${press.group_openid}`, kind: "group" },
      sender: { id: press.group_member_openid, displayName: press.group_member_openid, isBot: false },
      // A press on the bot's own message addresses the bot, as an @mention would.
      segments: [{ type: "mention", userId: "self", text: "", isSelf: true }, { type: "text", text }],
    };
  }
  // The field table gives C2C presses `user_openid`; the docs' own C2C example has only `data.resolved.user_id`.
  const isGuild = press.scene === "guild" || press.chat_type === 0;
  const userOpenid = press.user_openid ?? (press.chat_type === 2 ? press.data.resolved.user_id : undefined);
  if (userOpenid && !isGuild) {
    return {
      ...common,
      conversation: { platform, chatId: `user:${userOpenid}`, kind: "direct" },
      sender: { id: userOpenid, displayName: userOpenid, isBot: false },
      segments: [{ type: "text", text }],
    };
  }
  return undefined;
}

/** A buttons reply as QQ's custom keyboard: callback buttons, 5 to a row, at most 5 rows (the rest is left out). */
export function keyboardOf(buttons: readonly Button[]) {
  const qqButtons = buttons.slice(0, 25).map((button, index) => ({
    id: String(index + 1),
    render_data: { label: button.label, visited_label: button.label, style: button.style === "primary" ? 1 : 0 },
    action: { type: 1, permission: { type: 2 }, data: button.id, unsupport_tips: `Reply ${buttonCommand(button.id)}` },
  }));
  const rows: { buttons: typeof qqButtons }[] = [];
  for (let at = 0; at < qqButtons.length; at += 5) rows.push({ buttons: qqButtons.slice(at, at + 5) });
  return { content: { rows } };
}
