import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { callbackToInbound, toSegments, updateToInbound, type BotIdentity } from "../../../adapters/telegram/inbound.ts";
import { updateSchema, type TelegramUpdate } from "../../../adapters/telegram/update-schema.ts";
import { isAddressed } from "../../../core/policy.ts";
import { promptText } from "../../../core/types/message.ts";

const fixture = (name: string): TelegramUpdate => updateSchema.parse(JSON.parse(readFileSync(new URL(`../../fixtures/telegram/${name}.json`, import.meta.url), "utf8")));
const testbot: BotIdentity = { id: 8000000001, username: "testbot", firstName: "Test Bot" };
const vercelBot: BotIdentity = { id: 42, username: "vercelchatsdkbot", firstName: "Chat SDK" };
const receivedAt = 1_700_000_000_000;

describe("Telegram inbound: captured updates", () => {
  it("reads a private text message as a direct message with a per-chat id and the send time", () => {
    const message = updateToInbound(fixture("private-text"), vercelBot, receivedAt)!;
    expect(message).toMatchObject({
      id: "7527593:134",
      conversation: { platform: "telegram", chatId: "7527593", kind: "direct" },
      sender: { id: "7527593", displayName: "Test User", isBot: false },
      sentAt: 1767224901000,
      segments: [{ type: "text", text: "how are you" }],
      attachments: [],
    });
    expect(message.conversation.threadId).toBeUndefined();
  });

  it("marks a mention entity of the bot's username as a mention of itself", () => {
    const message = updateToInbound(fixture("private-text-with-mention-entity"), vercelBot, receivedAt)!;
    expect(message.segments).toEqual([
      { type: "mention", userId: "42", text: "@vercelchatsdkbot", isSelf: true },
      { type: "text", text: " hi" },
    ]);
    expect(promptText(message.segments)).toBe("hi");
    // The same text sent to another bot does not address that one.
    expect(updateToInbound(fixture("private-text-with-mention-entity"), testbot, receivedAt)!.segments[0]).toMatchObject({ isSelf: false });
  });

  it("takes the largest photo size as the image, without a caption", () => {
    const message = updateToInbound(fixture("private-photo-multi-size"), testbot, receivedAt)!;
    expect(message.segments).toEqual([]);
    expect(message.attachments).toEqual([
      {
        type: "image",
        width: 816,
        height: 1023,
        media: { platform: "telegram", id: "AgACAgUAAxkBAAMRaH8qXw-VQSGAG4X4VoCg9A5nE50AAvLGMRtBGPlXGt4-FX4l2_oBAAMCAAN5AAM2BA", mimeType: "image/jpeg", sizeBytes: 173215, fileName: "photo.jpg" },
      },
    ]);
  });

  it("counts a reply to the bot's message in a group as addressing it", () => {
    const message = updateToInbound(fixture("group-reply-to-bot-message"), testbot, receivedAt)!;
    expect(message.conversation).toEqual({ platform: "telegram", chatId: "-1001000000001", kind: "group" });
    expect(message.replyTo).toEqual({ messageId: "-1001000000001:105", isToSelf: true, text: "The first option is usually the safer choice." });
    expect(isAddressed(message)).toBe(true);
    expect(updateToInbound(fixture("group-reply-to-bot-message"), vercelBot, receivedAt)!.replyTo?.isToSelf).toBe(false);
  });

  it("puts a forum topic message in its thread and ignores the implicit reply to the topic's creation", () => {
    const message = updateToInbound(fixture("forum-topic-message"), testbot, receivedAt)!;
    expect(message.conversation).toEqual({ platform: "telegram", chatId: "-1001000000002", kind: "group", threadId: "200" });
    expect(message.replyTo).toBeUndefined();
    expect(isAddressed(message)).toBe(false);
  });
});

const base = { message_id: 5, date: 1_700_000_000, from: { id: 7, is_bot: false, first_name: "Ann", last_name: "Lee" }, chat: { id: -100, type: "supergroup" as const, title: "G" } };
const update = (message: Record<string, unknown>): TelegramUpdate => updateSchema.parse({ update_id: 1, message: { ...base, ...message } });

describe("Telegram inbound: entities, media and what is ignored", () => {
  it("strips our own name from a command and leaves another bot's command alone", () => {
    const ours = toSegments("/help@TestBot now", [{ type: "bot_command", offset: 0, length: 13 }], testbot);
    expect(ours).toEqual([{ type: "text", text: "/help now" }]);
    const theirs = updateToInbound(update({ text: "/help@OtherBot", entities: [{ type: "bot_command", offset: 0, length: 14 }] }), testbot, receivedAt)!;
    expect(promptText(theirs.segments)).toBe("/help@OtherBot");
    expect(isAddressed(theirs)).toBe(false);
  });

  it("reads text_mention of the bot by user id, links, and offsets after emoji (UTF-16)", () => {
    const text = "😀 Bot see https://x.org";
    const segments = toSegments(text, [
      { type: "text_mention", offset: 3, length: 3, user: { id: 8000000001, is_bot: true, first_name: "Bot" } },
      { type: "url", offset: 11, length: 13 },
    ], testbot);
    expect(segments).toEqual([
      { type: "text", text: "😀 " },
      { type: "mention", userId: "8000000001", text: "Bot", isSelf: true },
      { type: "text", text: " see " },
      { type: "link", url: "https://x.org", text: "https://x.org" },
    ]);
  });

  it("turns voice, video notes and audio into audio attachments, and documents into images or files", () => {
    const voice = updateToInbound(update({ voice: { file_id: "v1", duration: 3, mime_type: "audio/ogg", file_size: 900 } }), testbot, receivedAt)!;
    expect(voice.attachments).toEqual([{ type: "audio", isVoiceNote: true, durationSec: 3, media: { platform: "telegram", id: "v1", mimeType: "audio/ogg", sizeBytes: 900, fileName: "voice.ogg" } }]);
    const note = updateToInbound(update({ video_note: { file_id: "n1", duration: 2, length: 240 } }), testbot, receivedAt)!;
    expect(note.attachments[0]).toMatchObject({ type: "audio", isVoiceNote: true, durationSec: 2 });
    const song = updateToInbound(update({ audio: { file_id: "a1", duration: 200, file_name: "song.mp3" } }), testbot, receivedAt)!;
    expect(song.attachments[0]).toMatchObject({ type: "audio", isVoiceNote: false, media: { fileName: "song.mp3", mimeType: "audio/mpeg" } });
    const picture = updateToInbound(update({ document: { file_id: "d1", mime_type: "image/png", file_name: "s.png" }, caption: "look" }), testbot, receivedAt)!;
    expect(picture.attachments[0]).toMatchObject({ type: "image", media: { mimeType: "image/png" } });
    expect(picture.segments).toEqual([{ type: "text", text: "look" }]);
    const pdf = updateToInbound(update({ document: { file_id: "d2", mime_type: "application/pdf", file_name: "a.pdf" } }), testbot, receivedAt)!;
    expect(pdf.attachments[0]).toMatchObject({ type: "file", media: { fileName: "a.pdf" } });
  });

  it("ignores edits, other bots, and service messages", () => {
    expect(updateToInbound(updateSchema.parse({ update_id: 2, edited_message: { ...base, text: "x" } }), testbot, receivedAt)).toBeUndefined();
    expect(updateToInbound(update({ text: "hi", from: { id: 9, is_bot: true, first_name: "Other" } }), testbot, receivedAt)).toBeUndefined();
    expect(updateToInbound(update({ new_chat_members: [] }), testbot, receivedAt)).toBeUndefined();
  });

  it("turns a button press into the command it stands for, with a stable id", () => {
    const message = callbackToInbound(
      { id: "987", from: { id: 7, is_bot: false, first_name: "Ann" }, data: "approve k3m9p", message: { ...base, message_thread_id: 4, is_topic_message: true } },
      receivedAt,
    )!;
    expect(message).toMatchObject({ id: "cb:987", conversation: { chatId: "-100", kind: "group", threadId: "4" }, segments: [{ type: "text", text: "/approve k3m9p" }], sentAt: receivedAt });
    expect(isAddressed(message)).toBe(true);
  });
});
