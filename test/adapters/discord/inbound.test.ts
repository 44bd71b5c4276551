import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interactionSchema, interactionToInbound, messageToInbound, snowflakeTime, type InboundContext, type ThreadInfo } from "../../../adapters/discord/inbound.ts";
import { mentionsBot, promptText } from "../../../core/types/message.ts";

const fixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/discord", `${name}.json`), "utf8")) as Record<string, unknown>;
const selfId = "1311000000000000999";
const context = (threads: Record<string, ThreadInfo> = {}, hasThreads = true): InboundContext => ({ selfId, hasThreads, threadOf: (id) => threads[id] });

describe("Discord MESSAGE_CREATE payloads as inbound messages", () => {
  it("a DM: direct, keyed by its channel, the message id as inbox id, sentAt from the timestamp", () => {
    const message = messageToInbound(fixture("dm-text"), context())!;
    expect(message).toMatchObject({
      id: "1311000000000000001",
      conversation: { platform: "discord", chatId: "1311000000000000100", kind: "direct" },
      sender: { id: "80351110224678912", displayName: "Nelly", isBot: false },
      sentAt: Date.parse("2024-11-28T10:00:00.000Z"),
      attachments: [],
    });
    expect(message.conversation.threadId).toBeUndefined();
    expect(promptText(message.segments)).toBe("Supa Hot");
  });

  it("a server mention: isSelf from mentions[] against the bot's id, the other user a plain mention; the thread to open is the message's", () => {
    const message = messageToInbound(fixture("guild-mention"), context())!;
    expect(mentionsBot(message)).toBe(true);
    expect(message.segments.filter((segment) => segment.type === "mention")).toEqual([
      { type: "mention", userId: selfId, text: "@pincer", isSelf: true },
      { type: "mention", userId: "80351110224678913", text: "@Bobby", isSelf: false },
    ]);
    expect(promptText(message.segments)).toBe("can you summarise this for @Bobby?");
    expect(message.conversation).toEqual({ platform: "discord", chatId: "1311000000000000200", kind: "group", threadId: "1311000000000000002" });
    expect(message.sender.displayName).toBe("Nels");
  });

  it("a `<@bot>` that mentions[] does not list is not the bot addressed (no regex over ids alone)", () => {
    const payload = { ...fixture("guild-mention"), mentions: [] };
    const message = messageToInbound(payload, context())!;
    expect(mentionsBot(message)).toBe(false);
  });

  it("without threads, a server message is keyed by its channel alone", () => {
    expect(messageToInbound(fixture("guild-mention"), context({}, false))!.conversation.threadId).toBeUndefined();
  });

  it("a reply (type 19) to the bot's message addresses the bot", () => {
    const message = messageToInbound(fixture("guild-reply-to-bot"), context())!;
    expect(message.replyTo).toEqual({ messageId: "1311000000000000050", isToSelf: true, text: "The first part is done." });
  });

  it("a voice message (flag 1 << 13): an audio attachment marked as a voice note, with its duration, fetched later", () => {
    const message = messageToInbound(fixture("voice-message"), context())!;
    expect(message.attachments).toEqual([
      {
        type: "audio",
        isVoiceNote: true,
        durationSec: 3.52,
        media: expect.objectContaining({ platform: "discord", id: "1311000000000000400", mimeType: "audio/ogg", sizeBytes: 12207, fileName: "voice-message.ogg" }),
      },
    ]);
  });

  it("an image with a nickname-form mention `<@!id>`", () => {
    const message = messageToInbound(fixture("guild-image"), context())!;
    expect(mentionsBot(message)).toBe(true);
    expect(message.attachments).toEqual([expect.objectContaining({ type: "image", width: 1200, height: 800, media: expect.objectContaining({ mimeType: "image/png" }) })]);
  });

  it("in a thread the bot opened, every message addresses the bot and belongs to the thread under its channel", () => {
    const payload = { ...fixture("dm-text"), guild_id: "1311000000000000300", channel_id: "1311000000000000002" };
    const owned = messageToInbound(payload, context({ "1311000000000000002": { parentId: "1311000000000000200", isOwnedBySelf: true } }))!;
    expect(mentionsBot(owned)).toBe(true);
    expect(owned.conversation).toEqual({ platform: "discord", chatId: "1311000000000000200", kind: "group", threadId: "1311000000000000002" });
    const others = messageToInbound(payload, context({ "1311000000000000002": { parentId: "1311000000000000200", isOwnedBySelf: false } }))!;
    expect(mentionsBot(others)).toBe(false);
  });

  it("ignores bots (itself included), webhooks and system messages", () => {
    const dm = fixture("dm-text");
    expect(messageToInbound({ ...dm, author: { id: selfId, username: "pincer", bot: true } }, context())).toBeUndefined();
    expect(messageToInbound({ ...dm, author: { id: "1", username: "other-bot", bot: true } }, context())).toBeUndefined();
    expect(messageToInbound({ ...dm, webhook_id: "123" }, context())).toBeUndefined();
    expect(messageToInbound({ ...dm, type: 7 }, context())).toBeUndefined();
  });
});

describe("Discord interactions as inbound messages", () => {
  it("a slash command is its typed command, addressed to the bot, with an id apart from messages'", () => {
    const message = interactionToInbound(interactionSchema.parse(fixture("interaction-slash-status")), context())!;
    expect(message.id).toBe("interaction:1311000000000000006");
    expect(promptText(message.segments)).toBe("/status");
    expect(mentionsBot(message)).toBe(true);
    expect(message.sentAt).toBe(snowflakeTime("1311000000000000006"));
    expect(message.conversation).toEqual({ platform: "discord", chatId: "1311000000000000200", kind: "group" });
    expect(JSON.stringify(message.raw)).not.toContain("A_UNIQUE_TOKEN");
  });

  it("a button press is the command its custom_id stands for, in the thread of the message it is on", () => {
    const threads = { "1311000000000000002": { parentId: "1311000000000000200", isOwnedBySelf: true } };
    const message = interactionToInbound(interactionSchema.parse(fixture("interaction-button")), context(threads))!;
    expect(promptText(message.segments)).toBe("/approve 3f2a");
    expect(message.sender).toEqual({ id: "80351110224678913", displayName: "Bob", isBot: false, locale: "en" });
    expect(message.conversation).toEqual({ platform: "discord", chatId: "1311000000000000200", kind: "group", threadId: "1311000000000000002" });
  });
});
