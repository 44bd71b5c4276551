import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { mentionsBot, promptText } from "../../../core/types/message.ts";
import {
  actionToInboundMessage,
  slackBlockActionsSchema,
  slackEventCallbackSchema,
  toInboundMessage,
  type SlackSelf,
} from "../../../adapters/slack/inbound.ts";
import { parseSlackText } from "../../../adapters/slack/text.ts";

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, "../../fixtures/slack", `${name}.json`), "utf8"));
const callback = (name: string) => slackEventCallbackSchema.parse(fixture(name));
const self: SlackSelf = { userId: "U00FAKEBOT01", botId: "B00FAKEBOT01" };

describe("Slack events as inbound messages (captured payloads)", () => {
  it("turns a message.im into a direct message with no thread, id channel:ts and sentAt from ts", () => {
    const message = toInboundMessage(callback("event-callback-message-im"), self)!;
    expect(message).toMatchObject({
      id: "D00FAKEDM001:1771442483.260129",
      conversation: { platform: "slack", chatId: "D00FAKEDM001", kind: "direct" },
      sender: { id: "U00FAKEUSER1", isBot: false },
      sentAt: 1771442483260,
      segments: [{ type: "text", text: "hello hello" }],
      attachments: [],
    });
    expect(message.conversation.threadId).toBeUndefined();
    expect(toInboundMessage(callback("event-callback-message-im-2"), { userId: undefined, botId: undefined })).toMatchObject({
      conversation: { chatId: "D0442US94JD", kind: "direct" },
      segments: [{ type: "text", text: "test" }],
    });
    expect(toInboundMessage(callback("event-callback-message-im-with-app-context"), self)?.conversation.kind).toBe("direct");
  });

  it("turns an app_mention into a group message that mentions the bot, threaded under itself", () => {
    const message = toInboundMessage(callback("event-callback-app-mention"), self)!;
    expect(message.conversation).toEqual({ platform: "slack", chatId: "C00FAKECHAN1", kind: "group", threadId: "1766458026.240809" });
    expect(mentionsBot(message)).toBe(true);
    expect(promptText(message.segments)).toBe("1");
  });

  it("gives the app_mention and the twin channel message the same id, so the inbox keeps one", () => {
    const mention = toInboundMessage(callback("event-callback-app-mention"), self)!;
    const twin = toInboundMessage(callback("event-callback-message-channel-mention"), self)!;
    expect(twin.id).toBe(mention.id);
    expect(mentionsBot(twin)).toBe(true);
    expect(twin.conversation).toEqual(mention.conversation);
  });

  it("learns the bot user from the event's authorizations before auth.test answered", () => {
    const twin = toInboundMessage(callback("event-callback-message-channel-mention"), { userId: undefined, botId: undefined })!;
    expect(mentionsBot(twin)).toBe(true);
  });

  it("marks the documented app_mention as addressed even when the mentioned id is not known yet", () => {
    const unknown = toInboundMessage(callback("event-callback-app-mention-docs"), { userId: undefined, botId: undefined })!;
    expect(mentionsBot(unknown)).toBe(true);
    const known = toInboundMessage(callback("event-callback-app-mention-docs"), { userId: "U0LAN0Z89", botId: undefined })!;
    expect(known.segments[0]).toEqual({ type: "mention", userId: "U0LAN0Z89", text: "@U0LAN0Z89", isSelf: true });
    expect(promptText(known.segments)).toBe("is it everything a river should be?");
  });

  it("keeps a thread reply in its thread and does not count it as addressed", () => {
    const message = toInboundMessage(callback("event-callback-message-channel-thread-reply"), self)!;
    expect(message.conversation).toMatchObject({ kind: "group", threadId: "1766458026.240809" });
    expect(mentionsBot(message)).toBe(false);
    expect(message.replyTo).toBeUndefined();
  });

  it("ignores the bot's own post, bot_message, message_changed (a user's and a bot's) and deletions", () => {
    expect(toInboundMessage(callback("event-callback-bot-own-message-in-thread"), self)).toBeUndefined();
    expect(toInboundMessage(callback("event-callback-message-subtype-bot-message"), self)).toBeUndefined();
    expect(toInboundMessage(callback("event-callback-message-changed"), self)).toBeUndefined();
    expect(toInboundMessage(callback("event-callback-message-changed-bot"), self)).toBeUndefined();
    const deleted = callback("event-callback-message-im");
    deleted.event = { ...deleted.event, subtype: "message_deleted" };
    expect(toInboundMessage(deleted, self)).toBeUndefined();
    const joined = callback("event-callback-message-im");
    joined.event = { ...joined.event, subtype: "channel_join" };
    expect(toInboundMessage(joined, self)).toBeUndefined();
  });

  it("ignores events that are not messages", () => {
    const reaction = callback("event-callback-message-im");
    reaction.event = { type: "reaction_added", user: "U1", reaction: "+1" };
    expect(toInboundMessage(reaction, self)).toBeUndefined();
  });

  it("turns a shared file into an attachment that points at url_private, with its size", () => {
    const message = toInboundMessage(callback("event-callback-message-file-share-im-text-file"), self)!;
    expect(message.segments).toEqual([{ type: "text", text: "message message message" }]);
    expect(message.attachments).toEqual([
      {
        type: "file",
        media: {
          platform: "slack",
          id: "F04EEHX1EES",
          url: "https://files.slack.com/files-pri/T043DB835ML-F04EEHX1EES/namenamename.txt",
          mimeType: "text/plain",
          sizeBytes: 12,
          fileName: "namenamename.txt",
        },
      },
    ]);
  });

  it("tells audio clips (voice notes), other audio, images and videos apart", () => {
    const body = callback("event-callback-message-file-share-im-text-file");
    const file = (body.event.files as Record<string, unknown>[])[0]!;
    body.event = {
      ...body.event,
      files: [
        { ...file, id: "F1", mimetype: "audio/webm", subtype: "slack_audio", duration_ms: 2500 },
        { ...file, id: "F2", mimetype: "audio/mpeg", name: "song.mp3" },
        { ...file, id: "F3", mimetype: "image/png", original_w: 640, original_h: 480 },
        { ...file, id: "F4", mimetype: "video/mp4" },
      ],
    };
    const kinds = toInboundMessage(body, self)!.attachments.map((attachment) => [attachment.type, attachment.media.id]);
    expect(kinds).toEqual([["audio", "F1"], ["audio", "F2"], ["image", "F3"], ["video", "F4"]]);
    const [clip, song, image] = toInboundMessage(body, self)!.attachments;
    expect(clip).toMatchObject({ isVoiceNote: true, durationSec: 2.5 });
    expect(song).toMatchObject({ isVoiceNote: false });
    expect(image).toMatchObject({ width: 640, height: 480 });
  });
});

describe("Slack's text format as segments", () => {
  it("turns user, channel, broadcast and link entities into segments and unescapes &amp; &lt; &gt;", () => {
    const segments = parseSlackText(
      "<@U00FAKEBOT01> ask <@U2|carol> in <#C1|general> or <#C2>: <!here> see <https://example.com/a?b=1&amp;c=2|the docs> & <https://x.org> &lt;3 &amp;&gt; <mailto:a@b.co|a@b.co> <!subteam^S1|@devs>",
      "U00FAKEBOT01",
    );
    expect(segments).toEqual([
      { type: "mention", userId: "U00FAKEBOT01", text: "@U00FAKEBOT01", isSelf: true },
      { type: "text", text: " ask " },
      { type: "mention", userId: "U2", text: "@carol", isSelf: false },
      { type: "text", text: " in #general or #C2: " },
      { type: "mention-all", text: "@here" },
      { type: "text", text: " see " },
      { type: "link", url: "https://example.com/a?b=1&c=2", text: "the docs" },
      { type: "text", text: " & " },
      { type: "link", url: "https://x.org", text: "https://x.org" },
      { type: "text", text: " <3 &> " },
      { type: "link", url: "mailto:a@b.co", text: "a@b.co" },
      { type: "text", text: " @devs" },
    ]);
  });

  it("treats <!channel> and <!everyone> as mentions of all, not of the bot", () => {
    expect(parseSlackText("<!channel> <!everyone>", "U1").filter((segment) => segment.type === "mention-all")).toHaveLength(2);
  });
});

describe("button clicks (block_actions) as inbound messages", () => {
  it("turns a click into the command it stands for, in the thread it came from, with id action:trigger_id", () => {
    const payload = slackBlockActionsSchema.parse(fixture("block-actions-button-partial"));
    const message = actionToInboundMessage(payload)!;
    expect(message).toMatchObject({
      id: "action:10215325802133.3901254001572.2e2548aa918b35fd85829545c2d4ae2b",
      conversation: { platform: "slack", chatId: "C00FAKECHAN1", kind: "group", threadId: "1767326125.870439" },
      sender: { id: "U00FAKEUSER1", displayName: "testuser" },
      sentAt: 1767326130289,
      segments: [{ type: "text", text: "/info" }],
    });
  });

  it("reads an approval button's value as the typed command", () => {
    const payload = slackBlockActionsSchema.parse({
      ...(fixture("block-actions-button-partial") as object),
      channel: { id: "D00FAKEDM001", name: "directmessage" },
      container: { type: "message", message_ts: "1767326126.896109", channel_id: "D00FAKEDM001" },
      message: { ts: "1767326126.896109" },
      actions: [{ type: "button", action_id: "approve ab12c", value: "approve ab12c", action_ts: "1767326130.289415" }],
    });
    const message = actionToInboundMessage(payload)!;
    expect(message.segments).toEqual([{ type: "text", text: "/approve ab12c" }]);
    expect(message.conversation).toEqual({ platform: "slack", chatId: "D00FAKEDM001", kind: "direct" });
  });
});

describe("the url_verification fixture", () => {
  it("is not an event callback", () => {
    expect(slackEventCallbackSchema.safeParse(fixture("url-verification")).success).toBe(false);
  });
});
