import type { FetchedMedia } from "../../core/types/adapter.ts";
import { buttonsAsPlainText, errorText } from "../../core/render/fallbacks.ts";
import { markdownToPlainText } from "../../core/render/plain-text.ts";
import { BridgeError, assertNever } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { Button, ReplyPart } from "../../core/types/reply.ts";
import { clientNumberOf } from "../kit/client-key.ts";
import type { StepKey } from "../kit/reply-mailbox.ts";
import { withWaitingCue, type ReplyWindow, type WindowLimits } from "../kit/reply-window.ts";
import { duplicateReplyCode, QqApiError, type QqClient } from "./client.ts";
import type { QqTarget } from "./inbound.ts";
import { eventTokenPrefix, keyboardOf } from "./interaction.ts";

/** One message call: the unit QQ's reply count counts and the unit that is parked. */
export type Step =
  | { kind: "text"; text: string }
  /** Markdown with a keyboard under it (QQ_KEYBOARD); in a guild, where Pincer sends no keyboard, text with the typed commands. */
  | { kind: "buttons"; text: string; buttons: Button[] }
  | { kind: "media"; as: "image" | "file" | "voice"; media: MediaRef };

/**
 * The passive-reply rules (send.md): C2C replies within 60 minutes of the user's message, groups within
 * 5 minutes, at most 5 replies per message in both; guild channels and guild DMs within 5 minutes (no
 * count is documented; Pincer keeps to 5 there too). Active (unsolicited) messages to users and groups
 * are no longer offered since 2025-04-21, so what does not fit waits for the next message.
 */
export function replyLimits(kind: QqTarget["kind"]): WindowLimits {
  return { contextTokenTtlMs: kind === "user" ? 60 * 60_000 : 5 * 60_000, sendsPerMessage: 5 };
}

const textStep = (text: string | undefined, isMarkdown: boolean): Step[] => {
  const shown = text ? (isMarkdown ? text.trim() : markdownToPlainText(text)) : "";
  return shown ? [{ kind: "text", text: shown }] : [];
};

/**
 * ReplyPart → the message calls it takes, in order (pure). Markdown stays markdown only with QQ_MARKDOWN; buttons
 * are a keyboard only with QQ_KEYBOARD, else their text with the typed commands.
 */
export function toSteps(part: ReplyPart, isMarkdown: boolean, hasKeyboard = false): Step[] {
  switch (part.type) {
    case "markdown":
      return textStep(part.text, isMarkdown);
    case "buttons":
      return hasKeyboard ? [{ kind: "buttons", text: part.text, buttons: part.buttons }] : [{ kind: "text", text: buttonsAsPlainText(part.text, part.buttons, part.locale) }];
    case "error":
      return [{ kind: "text", text: errorText(part) }];
    case "image":
    case "file":
      // A caption goes as its own text message: a media message (msg_type 7) carries no text.
      return [...textStep(part.caption, isMarkdown), { kind: "media", as: part.type, media: part.media }];
    case "audio":
      // QQ plays SILK voice; an answer's OGG/Opus goes as a file.
      return [{ kind: "media", as: "file", media: part.media }];
    default:
      return assertNever(part);
  }
}

/** The part as parts of one step each (a parked reply is one step, kept as a plain ReplyPart). */
export function stepParts(part: ReplyPart, isMarkdown: boolean, hasKeyboard = false): ReplyPart[] {
  if (part.type === "image" || part.type === "file") {
    return [...(part.caption && textStep(part.caption, isMarkdown).length > 0 ? [{ type: "markdown" as const, text: part.caption }] : []), { type: part.type, media: part.media }];
  }
  return toSteps(part, isMarkdown, hasKeyboard).length > 0 ? [part] : [];
}

export const withCue = (step: Step): Step => (step.kind === "media" ? step : { ...step, text: withWaitingCue(step.text) });

/** rich-media.md: 1 image (png/jpg), 2 video (mp4), 3 voice (silk/amr), 4 file. */
const fileTypes = { image: 1, voice: 3, file: 4 } as const;

export interface StepSender {
  client: QqClient;
  isMarkdown: boolean;
  readMedia: (ref: MediaRef) => Promise<FetchedMedia>;
}

const messagePath = (target: QqTarget): string => {
  switch (target.kind) {
    case "user":
      return `/v2/users/${encodeURIComponent(target.id)}/messages`;
    case "group":
      return `/v2/groups/${encodeURIComponent(target.id)}/messages`;
    case "channel":
      return `/channels/${encodeURIComponent(target.id)}/messages`;
    case "dms":
      return `/dms/${encodeURIComponent(target.id)}/messages`;
    default:
      return assertNever(target.kind);
  }
};

/** Counted `msg_seq`s (a step without a key) stay below this, derived ones at or above it, so the two never meet. */
const firstDerivedSeq = 1000;
/** send.md types `msg_seq` as an int; Pincer keeps to a signed 32-bit one. */
const maxSeq = 2 ** 31 - 1;

/**
 * The `msg_seq` of one step of a part: a digest of the part's outbox key and the step's place in it. The same on
 * every attempt, in any process, so QQ refuses a re-send after a crash as a repeat, while a different step gets a
 * different one whether or not the reply count was saved before the crash.
 */
export const qqMsgSeq = (idempotencyKey: string, step: number): number => clientNumberOf(idempotencyKey, step, firstDerivedSeq, maxSeq);

/**
 * Sends one step as a passive reply to the window's message: `msg_id` and `msg_seq`. QQ refuses a repeated
 * msg_id + msg_seq, so a step sent again (a retry, a re-send after a crash) shows once: its seq comes from its
 * `stepKey`, or without one is the window's count + 1 (1, 2, 3, …).
 * Media for C2C and groups is uploaded first (`/files`, srv_send_msg false) and sent as msg_type 7.
 */
export async function sendStep(sender: StepSender, target: QqTarget, window: ReplyWindow, step: Step, stepKey?: StepKey): Promise<string> {
  const isV2 = target.kind === "user" || target.kind === "group";
  // A window a button press opened answers that event (`event_id`), any other the message (`msg_id`).
  const isEvent = window.contextToken.startsWith(eventTokenPrefix);
  const seq = stepKey ? qqMsgSeq(stepKey.key, stepKey.step) : window.sendsUsed + 1;
  const reply = {
    ...(isEvent ? { event_id: window.contextToken.slice(eventTokenPrefix.length) } : { msg_id: window.contextToken }),
    ...(isV2 ? { msg_seq: seq } : {}),
  };
  let body: Record<string, unknown>;
  if (step.kind === "buttons" && isV2) {
    body = { msg_type: 2, markdown: { content: step.text.trim() }, keyboard: keyboardOf(step.buttons), ...reply };
  } else if (step.kind === "text" || step.kind === "buttons") {
    const text = step.kind === "buttons" ? buttonsAsPlainText(step.text, step.buttons) : step.text;
    body = sender.isMarkdown && isV2 ? { msg_type: 2, markdown: { content: text }, ...reply } : { ...(isV2 ? { msg_type: 0 } : {}), content: text, ...reply };
  } else {
    if (!isV2) throw new BridgeError("unsupported", "Files cannot be sent in a QQ channel yet.");
    const fetched = await sender.readMedia(step.media);
    const fileType = step.as === "image" && /^image\/(png|jpe?g)$/.test(fetched.mimeType) ? fileTypes.image : step.as === "voice" ? fileTypes.voice : fileTypes.file;
    const base = target.kind === "user" ? `/v2/users/${encodeURIComponent(target.id)}/files` : `/v2/groups/${encodeURIComponent(target.id)}/files`;
    const source = step.media.platform !== "local" && step.media.url ? { url: step.media.url } : { file_data: Buffer.from(fetched.bytes).toString("base64") };
    const uploaded = await sender.client.uploadMedia(base, { file_type: fileType, srv_send_msg: false, ...source, ...(fetched.fileName ? { file_name: fetched.fileName } : {}) });
    // "content" must not be empty with msg_type 7 (send.md).
    body = { msg_type: 7, content: " ", media: { file_info: uploaded.file_info }, ...reply };
  }
  try {
    const sent = await sender.client.sendMessage(messagePath(target), body);
    return sent.id ?? `${window.contextToken}:${seq}`;
  } catch (error) {
    // An earlier attempt of this very reply went out (its answer was lost): it counts as sent, once.
    if (isV2 && error instanceof QqApiError && error.code === duplicateReplyCode) return `${window.contextToken}:${seq}`;
    throw error;
  }
}
