import { assertNever } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import { buttonsAsPlainText, errorText } from "../../core/render/fallbacks.ts";
import { markdownToPlainText } from "../../core/render/plain-text.ts";
import type { ReplyPart } from "../../core/types/reply.ts";

/** One WeChat message to send: WeChat cannot mix text and media in one message. */
export type OutgoingMessage = { type: "text"; text: string } | { type: "file"; media: MediaRef };

/**
 * A reply part as the WeChat messages that carry it, in order. Markdown becomes plain text;
 * media goes as a file (images show inline, other files as attachments) with its caption after
 * it; WeChat has no buttons, so they become a typed instruction (`/approve 3f2a`); a voice reply
 * comes as SILK (capabilities.voiceFormat) and goes as a voice message.
 */
export function toOutgoingMessages(part: ReplyPart): OutgoingMessage[] {
  switch (part.type) {
    case "markdown":
      return text(markdownToPlainText(part.text));
    case "image":
    case "file":
      return [{ type: "file", media: part.media }, ...text(part.caption ? markdownToPlainText(part.caption) : "")];
    case "audio":
      return [{ type: "file", media: part.media }];
    case "buttons":
      return text(buttonsAsPlainText(part.text, part.buttons, part.locale));
    case "error":
      return text(errorText(part));
    default:
      return assertNever(part);
  }
}

const text = (value: string): OutgoingMessage[] => (value.trim() ? [{ type: "text", text: value }] : []);
