import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { messageSnapshotSchema, parseQuote, toEpochMs, toInboundMessage, type MessageSnapshot } from "../../../adapters/wechat/inbound.ts";
import { isAddressed } from "../../../core/policy.ts";
import { promptText, type InboundMessage } from "../../../core/types/message.ts";

const selfId = "cmwvxwzzd0001sg7d05b41176";
const fixture = (name: string): MessageSnapshot =>
  messageSnapshotSchema.parse(JSON.parse(readFileSync(new URL(`../../fixtures/wechat/${name}.json`, import.meta.url), "utf8")));

const normalize = (name: string): InboundMessage => {
  const result = toInboundMessage(fixture(name), selfId);
  if (result.isIgnored) throw new Error(`ignored: ${result.reason}`);
  return result.message;
};

describe("WeChat inbound messages", () => {
  it("makes a contact's message a direct chat keyed by the wechaty message id", () => {
    const message = normalize("mock-direct-text");
    expect(message).toMatchObject({
      id: fixture("mock-direct-text").id,
      conversation: { platform: "wechat", chatId: "cmwvxwzzd0002sg7d6v3w39vi", kind: "direct" },
      sender: { id: "cmwvxwzzd0002sg7d6v3w39vi", displayName: "Alice", isBot: false },
      segments: [{ type: "text", text: "hello there" }],
      attachments: [],
    });
  });

  it("makes a room message a group chat addressed by the @mention, with the bot's name out of the prompt", () => {
    const message = normalize("mock-room-mention");
    expect(message.conversation).toEqual({ platform: "wechat", chatId: "cmwvxwzzd0003sg7d90pj8om3@chatroom", kind: "group" });
    expect(message.segments[0]).toEqual({ type: "mention", userId: selfId, text: "@Pincer", isSelf: true });
    expect(promptText(message.segments)).toBe("what is up");
    expect(isAddressed(message)).toBe(true);
  });

  it("leaves a room message without a mention unaddressed", () => {
    const message = normalize("mock-room-no-mention");
    expect(message.segments).toEqual([{ type: "text", text: "just chatting" }]);
    expect(isAddressed(message)).toBe(false);
  });

  it("keeps other people's mentions and removes only the bot's (U+2005 separators)", () => {
    const message = normalize("hand-room-two-mentions");
    expect(message.segments.filter((segment) => segment.type === "mention")).toEqual([
      { type: "mention", userId: "cmwvxwzzd0004sg7dbob00000", text: "@Bob", isSelf: false },
      { type: "mention", userId: selfId, text: "@Pincer", isSelf: true },
    ]);
    expect(promptText(message.segments)).toBe("@Bob please ask him");
  });

  it("counts a mention from the platform's list even when the name is not in the text", () => {
    const snapshot = { ...fixture("mock-room-mention"), text: "@Pincer的群昵称 hi", mentions: [] };
    const result = toInboundMessage(snapshot, selfId);
    expect(!result.isIgnored && isAddressed(result.message)).toBe(true);
  });

  it("addresses a group by a bare /command", () => {
    const result = toInboundMessage({ ...fixture("mock-room-no-mention"), text: "/status" }, selfId);
    expect(!result.isIgnored && isAddressed(result.message)).toBe(true);
  });

  it("turns voice, image, video and file messages into attachments with a media ref to fetch later", () => {
    expect(normalize("mock-direct-voice").attachments).toEqual([
      { type: "audio", isVoiceNote: true, media: { platform: "wechat", id: fixture("mock-direct-voice").id } },
    ]);
    expect(normalize("mock-direct-image").attachments).toEqual([{ type: "image", media: { platform: "wechat", id: fixture("mock-direct-image").id } }]);
    expect(normalize("mock-direct-video").attachments[0]).toMatchObject({ type: "video" });
    expect(normalize("hand-direct-file")).toMatchObject({
      segments: [],
      attachments: [{ type: "file", media: { platform: "wechat", id: "4611686018427387907", fileName: "report.pdf" } }],
    });
  });

  it("reads a quoted reply (wechat4u/PadLocal text form) as replyTo, addressed when the quote is of the bot", () => {
    const message = normalize("hand-room-quote-of-bot");
    expect(message.segments).toEqual([{ type: "text", text: "which build?" }]);
    expect(message.replyTo).toEqual({ messageId: "", isToSelf: true, text: "The build is green." });
    expect(isAddressed(message)).toBe(true);
    const other = toInboundMessage({ ...fixture("hand-room-quote-of-bot"), text: "「Bob：lunch?」\n- - - - - - - - - - - - - - -\nsure" }, selfId);
    expect(!other.isIgnored && other.message.replyTo?.isToSelf).toBe(false);
  });

  it("ignores the bot's own messages and official accounts", () => {
    expect(toInboundMessage(fixture("hand-own-message"), selfId)).toEqual({ isIgnored: true, reason: "own message" });
    expect(toInboundMessage(fixture("hand-official-account"), selfId)).toEqual({ isIgnored: true, reason: "official account" });
    expect(toInboundMessage({ ...fixture("mock-direct-text"), kind: "other" }, selfId).isIgnored).toBe(true);
  });

  it("converts wechaty timestamps in seconds to epoch milliseconds, and keeps milliseconds", () => {
    expect(normalize("hand-room-quote-of-bot").sentAt).toBe(1_732_521_600_000);
    expect(toEpochMs(1_795_600_063_475)).toBe(1_795_600_063_475);
  });

  it("parses only the exact quote layout", () => {
    expect(parseQuote("「Alice：line one\nline two」\n- - - - - - - - - - - - - - -\nreply")).toEqual({ quotedName: "Alice", quotedText: "line one\nline two", text: "reply" });
    expect(parseQuote("「not a quote」 reply")).toBeUndefined();
  });
});
