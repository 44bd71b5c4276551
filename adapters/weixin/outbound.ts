import type { FetchedMedia } from "../../core/types/adapter.ts";
import { assertNever } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import type { Cdn } from "./cdn.ts";
import type { IlinkClient } from "./client.ts";
import { buttonsAsPlainText, errorText } from "../../core/render/fallbacks.ts";
import { markdownToPlainText } from "../../core/render/plain-text.ts";
import { itemType, uploadMediaType, type OutboundItem } from "./protocol.ts";

/** One sendmessage call: the unit the send budget counts and the unit that is parked. */
export type Step = { kind: "text"; text: string } | { kind: "media"; as: "image" | "file"; media: MediaRef };

/** Buttons become typed commands: "Reply /approve 3f2a or /deny 3f2a" (only the ones the text does not already name). */
function caption(text: string | undefined): Step[] {
  const plain = text ? markdownToPlainText(text) : "";
  return plain ? [{ kind: "text", text: plain }] : [];
}

/** ReplyPart → the sendmessage calls it takes, in order (pure). */
export function toSteps(part: ReplyPart): Step[] {
  switch (part.type) {
    case "markdown":
      return caption(part.text);
    case "buttons":
      return [{ kind: "text", text: buttonsAsPlainText(part.text, part.buttons, part.locale) }];
    case "error":
      return [{ kind: "text", text: errorText(part) }];
    case "image":
      return [...caption(part.caption), { kind: "media", as: "image", media: part.media }];
    case "file":
      return [...caption(part.caption), { kind: "media", as: "file", media: part.media }];
    case "audio":
      // ClawBot takes SILK voice only; an answer's OGG/Opus goes as a file the phone can play.
      return [{ kind: "media", as: "file", media: part.media }];
    default:
      return assertNever(part);
  }
}

/**
 * The part as parts of one step each, such that `toSteps` turns each into exactly its step: a parked
 * reply is one step, kept as a plain `ReplyPart` in the outbox.
 */
export function stepParts(part: ReplyPart): ReplyPart[] {
  switch (part.type) {
    case "image":
    case "file":
      return [...(part.caption && toSteps({ type: "markdown", text: part.caption }).length > 0 ? [{ type: "markdown" as const, text: part.caption }] : []), { type: part.type, media: part.media }];
    default:
      return toSteps(part).length > 0 ? [part] : [];
  }
}

export interface StepSender {
  client: IlinkClient;
  cdn: Cdn;
  /** The bytes of reply media (readReplyMedia with the adapter's fetchMedia). */
  readMedia: (ref: MediaRef) => Promise<FetchedMedia>;
}

/** Uploads media first when needed, then sends the one item with the user's context token. */
export async function sendStep(sender: StepSender, toUserId: string, contextToken: string, clientId: string, step: Step): Promise<string> {
  let item: OutboundItem;
  if (step.kind === "text") {
    item = { type: itemType.text, text_item: { text: step.text } };
  } else {
    const fetched = await sender.readMedia(step.media);
    const isImage = step.as === "image";
    const uploaded = await sender.cdn.upload(sender.client, fetched.bytes, isImage ? uploadMediaType.image : uploadMediaType.file, toUserId);
    item = isImage
      ? { type: itemType.image, image_item: { media: uploaded.media, mid_size: uploaded.ciphertextSizeBytes } }
      : { type: itemType.file, file_item: { media: uploaded.media, file_name: fetched.fileName ?? step.media.fileName ?? "file", len: String(uploaded.plaintextSizeBytes) } };
  }
  const answer = await sender.client.sendMessage(toUserId, contextToken, clientId, item);
  return answer.message_id ?? clientId;
}
