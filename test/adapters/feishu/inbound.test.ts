import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cardActionToInbound, messageEventSchema, parseMediaId, toInboundMessage, type InboundContext } from "../../../adapters/feishu/inbound.ts";
import { promptText } from "../../../core/types/message.ts";

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/feishu/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;
const documented = fixture("im-message-receive-v1-group-text-mention.json") as { event: Record<string, unknown> };
const tomOpenId = "ou_84aad35d084aa403a838cf73ee18467";
const context = (botOpenId = "ou_bot", ownIds: string[] = []): InboundContext => ({ botOpenId, isOwnMessage: (id) => ownIds.includes(id) });

/** The documented event with its message replaced by `message` fields. */
function withMessage(message: Record<string, unknown>, sender: Record<string, unknown> = {}) {
  const event = structuredClone(documented.event) as { message: Record<string, unknown>; sender: Record<string, unknown> };
  Object.assign(event.message, message);
  Object.assign(event.sender, sender);
  return messageEventSchema.parse(event);
}

describe("Feishu inbound: the documented im.message.receive_v1 example", () => {
  it("is a group text whose @_user_1 is a mention of Tom, addressed to the bot when Tom is the bot", () => {
    const event = messageEventSchema.parse(documented.event);
    const asOther = toInboundMessage(event, context())!;
    expect(asOther).toMatchObject({
      id: "om_5ce6d572455d361153b7cb51da133945",
      conversation: { platform: "feishu", chatId: "oc_5ce6d572455d361153b7xx51da133945", kind: "group" },
      sentAt: 1609073151345,
      replyTo: { messageId: "om_5ce6d572455d361153b7cb5xxfsdfsdfdsf", isToSelf: false },
    });
    expect(asOther.conversation.threadId).toBeUndefined();
    // The sender and the mentioned user are the same person in the docs' example: as the bot, it is ignored.
    expect(toInboundMessage(event, context(tomOpenId))).toBeUndefined();
    const toBot = toInboundMessage(withMessage({}, { sender_id: { open_id: "ou_alice" } }), context(tomOpenId))!;
    expect(toBot.segments[0]).toEqual({ type: "mention", userId: tomOpenId, text: "@Tom", isSelf: true });
    expect(promptText(toBot.segments)).toBe("hello");
  });

  it("reads the documented content of a text message with a mention", () => {
    const content = fixture("content-text-with-mention-partial.json");
    const message = toInboundMessage(withMessage({ content: JSON.stringify(content), chat_type: "p2p" }), context())!;
    expect(message.conversation.kind).toBe("direct");
    expect(message.segments.map((segment) => segment.type)).toEqual(["mention", "text"]);
  });
});

describe("Feishu inbound: message types", () => {
  it("@_all is a mention of everyone, which does not address the bot", () => {
    const message = toInboundMessage(withMessage({ content: JSON.stringify({ text: "@_all standup" }), mentions: [] }), context())!;
    expect(message.segments[0]).toEqual({ type: "mention-all", text: "@all" });
  });

  it("flattens a post (with or without a locale wrapper) keeping links, mentions and images", () => {
    const post = {
      title: "Report",
      content: [
        [{ tag: "at", user_id: "@_user_1", user_name: "Tom" }, { tag: "text", text: " see " }, { tag: "a", text: "this", href: "https://example.com/x" }],
        [{ tag: "img", image_key: "img_v3_post" }],
      ],
    };
    for (const content of [post, { zh_cn: post }]) {
      const message = toInboundMessage(withMessage({ message_type: "post", content: JSON.stringify(content) }, { sender_id: { open_id: "ou_alice" } }), context(tomOpenId))!;
      expect(message.segments).toEqual([
        { type: "text", text: "Report\n" },
        { type: "mention", userId: tomOpenId, text: "@Tom", isSelf: true },
        { type: "text", text: " see " },
        { type: "link", url: "https://example.com/x", text: "this" },
        { type: "text", text: "\n" },
      ]);
      expect(message.attachments).toEqual([{ type: "image", media: { platform: "feishu", id: "image:om_5ce6d572455d361153b7cb51da133945:img_v3_post" } }]);
    }
  });

  it("turns image, audio, file and media into attachments whose ids carry the message id and key", () => {
    const of = (message_type: string, content: unknown) =>
      toInboundMessage(withMessage({ message_type, content: JSON.stringify(content) }), context())!.attachments[0];
    expect(of("image", { image_key: "img_1" })).toMatchObject({ type: "image", media: { id: "image:om_5ce6d572455d361153b7cb51da133945:img_1" } });
    expect(of("audio", { file_key: "file_a", duration: 3000 })).toMatchObject({ type: "audio", isVoiceNote: true, durationSec: 3 });
    expect(of("file", { file_key: "file_f", file_name: "report.pdf" })).toMatchObject({ type: "file", media: { fileName: "report.pdf" } });
    expect(of("media", { file_key: "file_v", image_key: "img_cover", duration: 2000 })).toMatchObject({ type: "video", durationSec: 2 });
    expect(parseMediaId("file:om_1:file_a")).toEqual({ type: "file", messageId: "om_1", fileKey: "file_a" });
  });

  it("puts a threaded message in its thread and knows a reply to the bot's own message", () => {
    const message = toInboundMessage(withMessage({ thread_id: "omt_1", parent_id: "om_bot_1" }), context("ou_bot", ["om_bot_1"]))!;
    expect(message.conversation.threadId).toBe("omt_1");
    expect(message.replyTo).toEqual({ messageId: "om_bot_1", isToSelf: true });
  });

  it("ignores other bots and message types it cannot read", () => {
    expect(toInboundMessage(withMessage({}, { sender_type: "app" }), context())).toBeUndefined();
    expect(toInboundMessage(withMessage({ message_type: "sticker", content: JSON.stringify({ file_key: "x" }) }), context())).toBeUndefined();
  });
});

describe("Feishu inbound: card clicks", () => {
  it("become the typed command, with an id stable across redeliveries", () => {
    const action = { operator: { open_id: "ou_alice" }, action: { value: { pincer_button: "approve 3f2a" } }, context: { open_message_id: "om_card", open_chat_id: "oc_1" } };
    const message = cardActionToInbound(action, "direct", 1)!;
    expect(message.id).toBe("card:om_card:approve 3f2a:ou_alice");
    expect(message.segments).toEqual([{ type: "text", text: "/approve 3f2a" }]);
    expect(cardActionToInbound({ ...action, action: { value: { other: 1 } } }, "direct", 1)).toBeUndefined();
  });
});
