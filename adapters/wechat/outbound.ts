import { assertNever } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { Button, ReplyPart } from "../../core/types/reply.ts";
import { toWechatText } from "./markdown.ts";

/** One WeChat message to send: WeChat cannot mix text and media in one message. */
export type OutgoingMessage = { type: "text"; text: string } | { type: "file"; media: MediaRef };

/**
 * A reply part as the WeChat messages that carry it, in order. Markdown becomes plain text;
 * media goes as a file (images show inline, other files as attachments) with its caption after
 * it; WeChat has no buttons, so they become a typed instruction (`/approve 3f2a`); a voice reply
 * is sent as an audio file, since WeChat voice needs SILK.
 */
export function toOutgoingMessages(part: ReplyPart): OutgoingMessage[] {
  switch (part.type) {
    case "markdown":
      return text(toWechatText(part.text));
    case "image":
    case "file":
      return [{ type: "file", media: part.media }, ...text(part.caption ? toWechatText(part.caption) : "")];
    case "audio":
      return [{ type: "file", media: part.media }];
    case "buttons": {
      const body = toWechatText(part.text);
      const instruction = typedInstruction(body, part.buttons);
      return text(instruction ? `${body}\n\n${instruction}` : body);
    }
    case "error":
      return text(`⚠️ ${part.message} (ref ${part.ref})`);
    default:
      return assertNever(part);
  }
}

const text = (value: string): OutgoingMessage[] => (value.trim() ? [{ type: "text", text: value }] : []);

/** "Reply /approve 3f2a or /deny 3f2a.": the button ids are the commands; nothing when the text already names each one. */
export function typedInstruction(body: string, buttons: readonly Button[]): string {
  const commands = buttons.map((button) => `/${button.id}`);
  if (commands.length === 0) return "";
  const missing = commands.filter((command) => !new RegExp(`${escapeRegExp(command)}(?![\\p{L}\\p{N}])`, "u").test(body));
  if (missing.length === 0) return "";
  const listed = commands.length === 1 ? commands[0]! : `${commands.slice(0, -1).join(", ")} or ${commands.at(-1)!}`;
  return `Reply ${listed}.`;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
