import type { App } from "@slack/bolt";
import type { FileStore } from "../../core/store/file-store.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import type { FetchedMedia, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { Button, ReplyPart } from "../../core/types/reply.ts";
import { toSlackBridgeError } from "./errors.ts";
import { toMrkdwn } from "./markdown.ts";
import { errorMarkdown } from "../../core/render/fallbacks.ts";

export type SlackClient = App["client"];

/** A section's text may hold 3,000 characters; a button label 75; an actions block 25 elements. */
const sectionTextLimit = 3000;
const buttonLabelLimit = 75;
const buttonsPerBlock = 25;

export interface SlackMessageBody {
  text: string;
  blocks?: unknown[];
}

function clip(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}

function buttonElement(button: Button) {
  return {
    type: "button",
    text: { type: "plain_text", text: clip(button.label, buttonLabelLimit), emoji: true },
    action_id: button.id,
    value: button.id,
    ...(button.style ? { style: button.style } : {}),
  };
}

/** The text parts as `chat.postMessage` / `chat.update` arguments: mrkdwn text, and Block Kit for buttons. */
export function messageBody(part: Extract<ReplyPart, { type: "markdown" | "buttons" | "error" }>): SlackMessageBody {
  switch (part.type) {
    case "markdown":
      return { text: toMrkdwn(part.text) || " " };
    case "error":
      return { text: toMrkdwn(errorMarkdown(part)) };
    case "buttons": {
      const text = toMrkdwn(part.text) || " ";
      const actions = [];
      for (let index = 0; index < part.buttons.length; index += buttonsPerBlock) {
        actions.push({ type: "actions", elements: part.buttons.slice(index, index + buttonsPerBlock).map(buttonElement) });
      }
      return { text, blocks: [{ type: "section", text: { type: "mrkdwn", text: clip(text, sectionTextLimit) } }, ...actions] };
    }
    default:
      return assertNever(part);
  }
}

export interface SlackOutboundDeps {
  client: SlackClient;
  /** The adapter's own download (for media that came from Slack). */
  fetchMedia(ref: MediaRef): Promise<FetchedMedia>;
  /** MEDIA_MAX_BYTES (Slack's own limit, 1 GB, is higher). */
  maxMediaBytes: number;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media). */
  storedFiles?: Pick<FileStore, "get"> | undefined;
}

/** Sends and edits replies: text with `chat.postMessage`/`chat.update`, media with the external upload flow. */
export function createSlackOutbound(deps: SlackOutboundDeps) {
  const { client } = deps;

  const upload = async (to: ConversationRef, media: MediaRef, caption: string | undefined): Promise<SentMessage> => {
    const file: FetchedMedia = await readReplyMedia(media, deps.fetchMedia, deps.maxMediaBytes, deps.storedFiles);
    const fileName = file.fileName ?? media.fileName ?? "file";
    try {
      // files.getUploadURLExternal, POST to the upload URL, files.completeUploadExternal (into the thread).
      const result = (await client.filesUploadV2({
        channel_id: to.chatId,
        ...(to.threadId ? { thread_ts: to.threadId } : {}),
        file: Buffer.from(file.bytes),
        filename: fileName,
        title: fileName,
        ...(caption ? { initial_comment: toMrkdwn(caption) } : {}),
      } as Parameters<SlackClient["filesUploadV2"]>[0])) as unknown as { files?: { files?: { id?: string }[] }[] };
      const fileId = result.files?.[0]?.files?.[0]?.id ?? fileName;
      return { conversation: to, messageId: `file:${fileId}` };
    } catch (error) {
      throw toSlackBridgeError(error, "the file upload");
    }
  };

  return {
    async send(to: ConversationRef, part: ReplyPart): Promise<SentMessage> {
      switch (part.type) {
        case "markdown":
        case "buttons":
        case "error": {
          try {
            const posted = await client.chat.postMessage({
              channel: to.chatId,
              ...(to.threadId ? { thread_ts: to.threadId } : {}),
              ...messageBody(part),
            } as Parameters<SlackClient["chat"]["postMessage"]>[0]);
            if (!posted.ts) throw new BridgeError("upstream", "Slack accepted the message but returned no ts");
            return { conversation: { ...to, chatId: posted.channel ?? to.chatId }, messageId: posted.ts };
          } catch (error) {
            throw toSlackBridgeError(error, "the message");
          }
        }
        case "image":
        case "file":
          return upload(to, part.media, part.caption);
        case "audio":
          return upload(to, part.media, undefined);
        default:
          return assertNever(part);
      }
    },

    async edit(sent: SentMessage, part: ReplyPart): Promise<void> {
      if (part.type !== "markdown" && part.type !== "buttons" && part.type !== "error") {
        throw new BridgeError("unsupported", `A Slack message cannot be edited into ${part.type}`);
      }
      if (sent.messageId.startsWith("file:")) throw new BridgeError("unsupported", "An uploaded file cannot be edited into text");
      try {
        await client.chat.update({
          channel: sent.conversation.chatId,
          ts: sent.messageId,
          ...messageBody(part),
        } as Parameters<SlackClient["chat"]["update"]>[0]);
      } catch (error) {
        throw toSlackBridgeError(error, "the edit");
      }
    },
  };
}
