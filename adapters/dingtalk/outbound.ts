import { randomUUID } from "node:crypto";
import type { AdapterStateStore } from "../../core/store/store.ts";
import type { EditOptions, SendOptions, SentMessage } from "../../core/types/adapter.ts";
import type { ConversationRef } from "../../core/types/conversation.ts";
import { assertNever, BridgeError } from "../../core/types/errors.ts";
import type { Logger } from "../../core/types/logger.ts";
import type { MediaRef } from "../../core/types/message.ts";
import type { ReplyPart } from "../../core/types/reply.ts";
import { buttonsAsMarkdown, errorText } from "../../core/render/fallbacks.ts";
import type { DingtalkApi } from "./api.ts";
import { titleOf, toDingtalkMarkdown } from "./markdown.ts";

/**
 * Replies: a message's session webhook while it is valid (no token, no quota of its own), else the
 * robot's OpenAPI (`oToMessages/batchSend` to the 1:1 chat's staff id, `groupMessages/send` to the group's
 * open conversation id). With an AI card template, an answer is one card: created and delivered once,
 * then streamed (`PUT /v1.0/card/streaming`, the full text each time) and finalised.
 */

const namespace = "dingtalk";
/** A session webhook is not used in its last minute (a send may take a while). */
const webhookMarginMs = 60_000;
/** Cards are clickable for a day; the conversation each card went to is kept that long. */
const cardMemoryMs = 24 * 60 * 60_000;
/** The template's variable the answer streams into, and its status variable (the standard AI card's names). */
export const contentKey = "content";
const flowStatus = { inputting: "2", finished: "3", failed: "5" } as const;

export interface SessionWebhook {
  url: string;
  expiresAt: number;
}

export interface OutboundDeps {
  api: DingtalkApi;
  state: AdapterStateStore;
  logger: Logger;
  robotCode: string;
  cardTemplateId: string | undefined;
  /** Card clicks come back over the stream (Stream mode); in HTTP mode the typed commands stay. */
  hasCardCallbacks: boolean;
  now: () => number;
}

const webhookKey = (chatId: string) => `webhook:${chatId}`;
/** A group's open conversation id starts with `cid`; a send that does not say the kind (`pincer send`) is placed by it. */
const isGroupChat = (to: ConversationRef) => to.kind === "group" || to.chatId.startsWith("cid");
const cardKey = (outTrackId: string) => `card:${outTrackId}`;

export function createOutbound(deps: OutboundDeps) {
  const { api, state, now } = deps;

  const rememberWebhook = async (chatId: string, webhook: SessionWebhook) => {
    await state.set(namespace, webhookKey(chatId), webhook, webhook.expiresAt);
  };

  const liveWebhook = async (chatId: string): Promise<SessionWebhook | undefined> => {
    const webhook = await state.get<SessionWebhook>(namespace, webhookKey(chatId), now());
    return webhook && webhook.expiresAt - webhookMarginMs > now() ? webhook : undefined;
  };

  /** A markdown message: the session webhook while it lives, else the robot's OpenAPI. */
  const sendMarkdown = async (to: ConversationRef, markdown: string): Promise<SentMessage> => {
    const text = toDingtalkMarkdown(markdown);
    const title = titleOf(markdown);
    const webhook = await liveWebhook(to.chatId);
    if (webhook) {
      await api.postWebhook(webhook.url, { msgtype: "markdown", markdown: { title, text } });
      return { conversation: to, messageId: `webhook:${randomUUID()}` };
    }
    const message = { robotCode: deps.robotCode, msgKey: "sampleMarkdown", msgParam: JSON.stringify({ title, text }) };
    const answer =
      isGroupChat(to)
        ? await api.call<{ processQueryKey?: string }>("POST", "/v1.0/robot/groupMessages/send", { ...message, openConversationId: to.chatId })
        : await api.call<{ processQueryKey?: string }>("POST", "/v1.0/robot/oToMessages/batchSend", { ...message, userIds: [to.chatId] });
    return { conversation: to, messageId: answer.processQueryKey ?? `openapi:${randomUUID()}` };
  };

  /** One AI card: created and delivered in one call, to the 1:1 chat (IM_ROBOT) or the group (IM_GROUP). */
  const createCard = async (to: ConversationRef, params: Record<string, string>): Promise<string> => {
    const outTrackId = randomUUID();
    const isGroup = isGroupChat(to);
    await api.call("POST", "/v1.0/card/instances/createAndDeliver", {
      cardTemplateId: deps.cardTemplateId,
      outTrackId,
      cardData: { cardParamMap: params },
      ...(deps.hasCardCallbacks ? { callbackType: "STREAM" } : {}),
      openSpaceId: isGroup ? `dtv1.card//IM_GROUP.${to.chatId}` : `dtv1.card//IM_ROBOT.${to.chatId}`,
      ...(isGroup
        ? { imGroupOpenSpaceModel: { supportForward: true }, imGroupOpenDeliverModel: { robotCode: deps.robotCode } }
        : { imRobotOpenSpaceModel: { supportForward: true }, imRobotOpenDeliverModel: { spaceType: "IM_ROBOT", robotCode: deps.robotCode } }),
      userIdType: 1,
    });
    await state.set(namespace, cardKey(outTrackId), { chatId: to.chatId, kind: to.kind }, now() + cardMemoryMs);
    return outTrackId;
  };

  /** The card's streamed variable, whole (`isFull`): each update shows the text so far. */
  const streamCard = async (outTrackId: string, text: string, isFinal: boolean) => {
    await api.call("PUT", "/v1.0/card/streaming", { outTrackId, guid: randomUUID(), key: contentKey, content: text, isFull: true, isFinalize: isFinal, isError: false });
  };

  const finishCard = async (outTrackId: string, text: string) => {
    await streamCard(outTrackId, text, true);
    await api.call("PUT", "/v1.0/card/instances", { outTrackId, cardData: { cardParamMap: { [contentKey]: text, flowStatus: flowStatus.finished } } });
  };

  const sendCard = async (to: ConversationRef, markdown: string, isPartial: boolean): Promise<SentMessage> => {
    const text = toDingtalkMarkdown(markdown);
    // One call: a send the outbox retries must not leave a card behind it (the text so far goes in with the card).
    const outTrackId = await createCard(to, { [contentKey]: text, flowStatus: isPartial ? flowStatus.inputting : flowStatus.finished });
    return { conversation: to, messageId: `card:${outTrackId}` };
  };

  /** An approval as a card: the template's buttons send `command`; the typed commands are in the text too. */
  const sendButtonsCard = async (to: ConversationRef, part: Extract<ReplyPart, { type: "buttons" }>): Promise<SentMessage> => {
    const text = toDingtalkMarkdown(buttonsAsMarkdown(part.text, part.buttons, part.locale));
    const buttons = part.buttons.map((button) => ({ label: button.label, command: button.id, style: button.style ?? "default" }));
    const params: Record<string, string> = { [contentKey]: text, flowStatus: flowStatus.finished, buttons: JSON.stringify(buttons) };
    for (const [index, button] of buttons.entries()) {
      params[`button${index + 1}Label`] = button.label;
      params[`button${index + 1}Command`] = button.command;
    }
    const outTrackId = await createCard(to, params);
    return { conversation: to, messageId: `card:${outTrackId}` };
  };

  /** Media the agent sends: a link when it has one (DingTalk shows images by URL), else its name. */
  const sendMedia = async (to: ConversationRef, ref: MediaRef, caption: string | undefined, isImage: boolean): Promise<SentMessage> => {
    const name = ref.fileName ?? (isImage ? "image" : "file");
    if (!ref.url || !/^https?:\/\//.test(ref.url)) {
      throw new BridgeError("unsupported", `Sending ${name} as a file is not supported on DingTalk yet.`);
    }
    const link = isImage ? `![${name}](${ref.url})` : `[${name}](${ref.url})`;
    return sendMarkdown(to, caption ? `${caption}\n\n${link}` : link);
  };

  return {
    rememberWebhook,

    /** The conversation a card went to, for a click on it. */
    cardConversation: (outTrackId: string) => state.get<Pick<ConversationRef, "chatId" | "kind">>(namespace, cardKey(outTrackId), now()),

    async send(to: ConversationRef, part: ReplyPart, options: SendOptions = {}): Promise<SentMessage> {
      switch (part.type) {
        case "markdown":
          return deps.cardTemplateId ? sendCard(to, part.text, options.isPartial === true) : sendMarkdown(to, part.text);
        case "error":
          return sendMarkdown(to, errorText(part));
        case "buttons":
          return deps.cardTemplateId ? sendButtonsCard(to, part) : sendMarkdown(to, buttonsAsMarkdown(part.text, part.buttons, part.locale));
        case "image":
          return sendMedia(to, part.media, part.caption, true);
        case "file":
          return sendMedia(to, part.media, part.caption, false);
        case "audio":
          return sendMedia(to, part.media, undefined, false);
        default:
          return assertNever(part);
      }
    },

    /** Streams into a card (the only messages DingTalk lets a robot change); other edits are ignored. */
    async edit(sent: SentMessage, part: ReplyPart, options: EditOptions = {}): Promise<void> {
      if (part.type !== "markdown" || !sent.messageId.startsWith("card:")) {
        deps.logger.debug({ messageId: sent.messageId }, "edit of a message DingTalk cannot change: ignored");
        return;
      }
      const outTrackId = sent.messageId.slice("card:".length);
      const text = toDingtalkMarkdown(part.text);
      if (options.isFinal) await finishCard(outTrackId, text);
      else await streamCard(outTrackId, text, false);
    },
  };
}

export type Outbound = ReturnType<typeof createOutbound>;
