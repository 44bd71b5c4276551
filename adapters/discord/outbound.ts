import { basename } from "node:path";
import type { FileStore } from "../../core/store/file-store.ts";
import { errorMarkdown } from "../../core/render/fallbacks.ts";
import type { FetchedMedia, SendOptions, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { Button, ReplyPart } from "../../core/types/reply.ts";
import { createBoundedMap } from "../kit/bounded-map.ts";
import { clientKeyOf } from "../kit/client-key.ts";
import { readReplyMedia } from "../kit/local-media.ts";
import { voiceMessageFlag } from "./inbound.ts";
import { toDiscordMarkdown } from "./markdown.ts";
import { voiceMetadata } from "./voice.ts";
import { discordFailureOf, type DiscordRest, type UploadFile } from "./rest.ts";

/** A message's content is at most 2,000 characters (https://discord.com/developers/docs/resources/message#create-message). */
export const maxContentChars = 2000;
/** Bots upload at most 10 MiB per message unless the server is boosted. */
export const uploadLimitBytes = 10 * 1024 * 1024;
/** MESSAGE_FLAGS EPHEMERAL: only the person who pressed sees it. */
const ephemeralFlag = 1 << 6;

/** An interaction the adapter acknowledged (deferred); its answer goes through the interaction's webhook. */
export interface PendingInteraction {
  applicationId: string;
  token: string;
  kind: "command" | "component";
  isAnswered: boolean;
  /** Settles once Discord has the acknowledgement (an answer before it would find no interaction). */
  acknowledged: Promise<void>;
}

export interface OutboundDeps {
  rest: DiscordRest;
  logger: Logger;
  hasThreads: boolean;
  fetchMedia(ref: MediaRef): Promise<FetchedMedia>;
  maxMediaBytes: number;
  /** Files replies carry, copied into a shared store (`platform: "stored"` media). */
  storedFiles?: Pick<FileStore, "get"> | undefined;
  /** Interactions by their inbox id (`interaction:<id>`), for the answer to each. */
  interactions: { get(id: string): PendingInteraction | undefined };
  /** Threads the adapter knows exist (opened by it, or seen on the gateway). */
  threads: { has(id: string): boolean; set(id: string, info: { parentId: string; isOwnedBySelf: boolean }): void };
  /** A line of the message a thread is opened from, for the thread's name. */
  threadName(messageId: string): string | undefined;
}

export interface Outbound {
  send(to: ConversationRef, part: ReplyPart, options?: SendOptions): Promise<SentMessage>;
  edit(sent: SentMessage, part: ReplyPart): Promise<void>;
  showTyping(to: ConversationRef): Promise<void>;
}

interface Payload extends Record<string, unknown> {
  content?: string;
}

const buttonStyle = (button: Button) => (button.style === "primary" ? 1 : button.style === "danger" ? 4 : 2);

/** Buttons as action rows of at most five (a row's limit). */
export function actionRows(buttons: readonly Button[]) {
  const rows = [];
  for (let at = 0; at < buttons.length && rows.length < 5; at += 5) {
    rows.push({
      type: 1,
      components: buttons.slice(at, at + 5).map((button) => ({ type: 2, style: buttonStyle(button), label: button.label.slice(0, 80), custom_id: button.id.slice(0, 100) })),
    });
  }
  return rows;
}

/** Discord markdown within 2,000 characters (the source was split below that; rendering may add escapes). */
export function content(markdown: string): string {
  const text = toDiscordMarkdown(markdown) || "…";
  return text.length > maxContentChars ? `${text.slice(0, maxContentChars - 1)}…` : text;
}

/**
 * Discord's `nonce` (at most 25 characters) for the `message`th message of a part: sent with `enforce_nonce`, a repeat
 * by the same bot within a few minutes returns the message first created instead of a new one.
 */
export const discordNonce = (idempotencyKey: string, message: number | string): string => clientKeyOf(idempotencyKey, message, 25);

/** Nobody is pinged by what the agent writes (an `@everyone` in an answer stays text). */
const noPings = { parse: [] as string[], replied_user: false };

export function createDiscordOutbound(deps: OutboundDeps): Outbound {
  const { rest, logger } = deps;
  /** Where each sent message lives: a channel, or an interaction's webhook (its answers are edited there). */
  const placeOf = createBoundedMap<{ channelId: string } | { webhook: string }>(10_000);

  const webhookOf = (interaction: PendingInteraction) => `/webhooks/${interaction.applicationId}/${interaction.token}`;

  /** The thread for a server conversation, opened from the message it answers the first time (its id is the message's). */
  const channelFor = async (to: ConversationRef): Promise<{ channelId: string; isInThread: boolean }> => {
    if (!to.threadId) return { channelId: to.chatId, isInThread: false };
    if (deps.threads.has(to.threadId) || to.kind === "direct") return { channelId: to.threadId, isInThread: true };
    const name = (deps.threadName(to.threadId) || to.inReplyTo?.senderName || "Pincer").replace(/\s+/g, " ").trim().slice(0, 90) || "Pincer";
    try {
      await rest.request("POST", `/channels/${to.chatId}/messages/${to.threadId}/threads`, { body: { name, auto_archive_duration: 1440 } });
    } catch (error) {
      // 160004: a thread was already created from this message (an earlier attempt, another process).
      if (discordFailureOf(error)?.code !== 160004) {
        if (!(error instanceof BridgeError) || !["bad-input", "unauthorized"].includes(error.code)) throw error;
        logger.warn({ err: error, channel: to.chatId }, "could not open a Discord thread; answering in the channel");
        return { channelId: to.chatId, isInThread: false };
      }
    }
    deps.threads.set(to.threadId, { parentId: to.chatId, isOwnedBySelf: true });
    return { channelId: to.threadId, isInThread: true };
  };

  const upload = async (media: MediaRef, fallbackName: string): Promise<UploadFile> => {
    const fetched = await readReplyMedia(media, deps.fetchMedia, Math.min(deps.maxMediaBytes, uploadLimitBytes), deps.storedFiles);
    const name = fetched.fileName ?? media.fileName ?? (media.platform === "local" ? basename(media.id) : fallbackName);
    return { name, bytes: fetched.bytes, mimeType: fetched.mimeType };
  };

  const payloadOf = async (part: ReplyPart): Promise<{ body: Payload; files: UploadFile[] }> => {
    switch (part.type) {
      case "markdown":
        return { body: { content: content(part.text) }, files: [] };
      case "buttons":
        return { body: { content: content(part.text), components: actionRows(part.buttons) }, files: [] };
      case "error":
        return { body: { content: content(errorMarkdown(part)) }, files: [] };
      case "image":
      case "file":
        return { body: part.caption?.trim() ? { content: content(part.caption) } : {}, files: [await upload(part.media, part.type === "image" ? "image.png" : "file")] };
      case "audio": {
        const file = await upload(part.media, part.isVoice ? "voice-message.ogg" : "audio");
        const voice = part.isVoice ? voiceMetadata(file.bytes) : undefined;
        // A voice message: one OGG/Opus attachment with its duration and waveform, the flag, and nothing else.
        if (voice) return { body: { flags: voiceMessageFlag }, files: [{ ...file, mimeType: "audio/ogg", details: { duration_secs: voice.durationSec, waveform: voice.waveform } }] };
        return { body: {}, files: [file] };
      }
      default:
        return assertNever(part);
    }
  };

  const sendToInteraction = async (interaction: PendingInteraction, body: Payload, files: UploadFile[]): Promise<string> => {
    await interaction.acknowledged;
    const webhook = webhookOf(interaction);
    const isFirst = !interaction.isAnswered;
    interaction.isAnswered = true;
    // A slash command's deferred answer ("thinking…") becomes the answer; a button's answer is seen by its presser only.
    const message =
      isFirst && interaction.kind === "command"
        ? await rest.request<{ id: string }>("PATCH", `${webhook}/messages/@original`, { body: { ...body, allowed_mentions: noPings }, files, isTokenless: true })
        : await rest.request<{ id: string }>("POST", `${webhook}?wait=true`, {
            body: { ...body, allowed_mentions: noPings, ...(interaction.kind === "component" ? { flags: ephemeralFlag } : {}) },
            files,
            isTokenless: true,
          });
    placeOf.set(message.id, { webhook });
    return message.id;
  };

  return {
    async send(to, part, options = {}) {
      const { body, files } = await payloadOf(part);
      const interaction = to.inReplyTo ? deps.interactions.get(to.inReplyTo.messageId) : undefined;
      if (interaction) return { conversation: to, messageId: await sendToInteraction(interaction, body, files) };
      const { channelId, isInThread } = await channelFor(to);
      const reference =
        to.kind === "group" && !isInThread && to.inReplyTo && !to.inReplyTo.messageId.includes(":")
          ? { message_reference: { message_id: to.inReplyTo.messageId, fail_if_not_exists: false } }
          : {};
      // A part is one channel message; sent again under the same key (after a crash), Discord returns the first.
      const once = (variant: string) => (options.idempotencyKey === undefined ? {} : { nonce: discordNonce(options.idempotencyKey, variant), enforce_nonce: true });
      const post = (payload: Payload, uploads: UploadFile[], variant: string) =>
        rest.request<{ id: string }>("POST", `/channels/${channelId}/messages`, { body: { ...payload, ...reference, ...once(variant), allowed_mentions: noPings }, files: uploads });
      let message: { id: string };
      try {
        message = await post(body, files, "0");
      } catch (error) {
        // 50173: voice messages are not allowed in this channel; the audio goes as a file.
        if (body.flags !== voiceMessageFlag || discordFailureOf(error)?.code !== 50173) throw error;
        message = await post({}, files.map(({ details: _details, ...file }) => file), "0:file");
      }
      placeOf.set(message.id, { channelId });
      return { conversation: to, messageId: message.id };
    },

    async edit(sent, part) {
      if (part.type !== "markdown" && part.type !== "buttons") {
        logger.debug({ kind: part.type }, "Discord edits carry text only; left as it is");
        return;
      }
      const body = { content: content(part.text), components: part.type === "buttons" ? actionRows(part.buttons) : [] };
      const place = placeOf.get(sent.messageId) ?? { channelId: sent.conversation.threadId ?? sent.conversation.chatId };
      const path = "webhook" in place ? `${place.webhook}/messages/${sent.messageId}` : `/channels/${place.channelId}/messages/${sent.messageId}`;
      await rest.request("PATCH", path, { body, isTokenless: "webhook" in place });
    },

    async showTyping(to) {
      const channelId = to.threadId && deps.threads.has(to.threadId) ? to.threadId : to.kind === "direct" ? (to.threadId ?? to.chatId) : to.chatId;
      await rest.request("POST", `/channels/${channelId}/typing`);
    },
  };
}
