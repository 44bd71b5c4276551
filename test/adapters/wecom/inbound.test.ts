import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decideAccess } from "../../../core/policy.ts";
import { parseCommand } from "../../../core/commands.ts";
import { plainText, promptText, type InboundMessage } from "../../../core/types/message.ts";
import { aesKeyFragment, toInbound, type Inbound } from "../../../adapters/wecom/inbound.ts";

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../fixtures/wecom/${name}.json`, import.meta.url), "utf8"));
const receivedAt = 1_733_467_811_000;
const policy = { dm: "pairing", group: "mention", allowFrom: [], allowGroups: [], admins: [], owners: [] } as const;

function messageOf(inbound: Inbound): InboundMessage & { isReplyable: boolean } {
  if (inbound.type !== "message") throw new Error(`expected a message, got ${JSON.stringify(inbound)}`);
  return { ...inbound.message, isReplyable: inbound.isReplyable };
}

describe("WeCom inbound: the documented callbacks", () => {
  it("a group text with @mention and a quote is addressed, without the @name in the prompt", () => {
    const message = messageOf(toInbound(fixture("aibot-text-group-mention-with-quote"), "AIBOTID", receivedAt));
    expect(message.id).toBe("CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=");
    expect(message.conversation).toEqual({ platform: "wecom", chatId: "CHATID", kind: "group" });
    expect(message.sender).toEqual({ id: "USERID", displayName: "USERID", isBot: false });
    expect(message.segments[0]).toEqual({ type: "mention", userId: "AIBOTID", text: "@RobotA ", isSelf: true });
    expect(plainText(message.segments)).toBe("@RobotA hello robot");
    expect(promptText(message.segments)).toBe("hello robot");
    expect(message.replyTo).toEqual({ messageId: "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=:quote", isToSelf: false, text: "这是今日的测试情况" });
    expect(message.sentAt).toBe(receivedAt);
    expect(message.isReplyable).toBe(true);
    expect(decideAccess(message, policy, false)).toEqual({ type: "admit", role: "member" });
  });

  it("a group command after the @mention is parsed as the command", () => {
    const body = { ...(fixture("aibot-text-group-mention-with-quote") as object), text: { content: "@RobotA /status" } };
    const message = messageOf(toInbound(body, "AIBOTID", receivedAt));
    expect(parseCommand(promptText(message.segments), message.attachments)).toEqual({ type: "control", name: "status", args: "" });
  });

  it("a single-chat image is a direct message with an image attachment to fetch later", () => {
    const message = messageOf(toInbound(fixture("aibot-image-single"), "AIBOTID", receivedAt));
    expect(message.conversation).toEqual({ platform: "wecom", chatId: "USERID", kind: "direct" });
    expect(message.segments).toEqual([]);
    expect(message.attachments).toHaveLength(1);
    const [image] = message.attachments;
    expect(image?.type).toBe("image");
    expect(image?.media.url).toMatch(/^https:\/\/ww-aibot-img-1258476243\.cos\.ap-guangzhou\.myqcloud\.com\//);
    expect(image?.media.id).toBe("CAIQz7/MjQYY/NGagIOAgAMgl8jK/gI=:0");
  });

  it("keeps the per-message AES key with the media reference", () => {
    const body = { ...(fixture("aibot-image-single") as object), image: { url: "https://example.invalid/x", aeskey: "a+b/c=" } };
    const [image] = messageOf(toInbound(body, "AIBOTID", receivedAt)).attachments;
    expect(image?.media.url).toBe(`https://example.invalid/x${aesKeyFragment}${encodeURIComponent("a+b/c=")}`);
  });

  it("a mixed group message gives its text (without the @name) and each image", () => {
    const message = messageOf(toInbound(fixture("aibot-mixed-group"), "AIBOTID", receivedAt));
    expect(message.conversation.kind).toBe("group");
    expect(promptText(message.segments)).toBe("这是今日的测试情况");
    expect(message.segments[0]).toMatchObject({ type: "mention", isSelf: true, text: "@机器人 " });
    expect(message.attachments.map((attachment) => attachment.type)).toEqual(["image"]);
    expect(message.attachments[0]?.media.id).toBe("CAIQrcjMjQYY/NGagIOAgAMg6PDc/w0=:1");
    expect(message.replyTo?.text).toBe("这是今日的测试情况");
  });

  it("a voice message carries WeCom's transcript and no audio to fetch", () => {
    const message = messageOf(toInbound(fixture("aibot-voice-single-transcript"), "AIBOTID", receivedAt));
    expect(message.segments).toEqual([]);
    expect(message.attachments).toEqual([
      { type: "audio", media: { platform: "wecom", id: "CAIQrcjMjQYY/NGagIOAgAMg6PDc/w0=:voice" }, isVoiceNote: true, transcript: "这是语音转成文本的内容" },
    ]);
  });

  it("a group voice message is addressed (WeCom delivers group messages only when the bot was @mentioned)", () => {
    const body = { ...(fixture("aibot-voice-single-transcript") as object), chattype: "group", chatid: "CHATID" };
    const message = messageOf(toInbound(body, "AIBOTID", receivedAt));
    expect(decideAccess(message, policy, false)).toEqual({ type: "admit", role: "member" });
  });

  it("a file and a video become attachments of their kind", () => {
    expect(messageOf(toInbound(fixture("aibot-file-single"), "AIBOTID", receivedAt)).attachments[0]?.type).toBe("file");
    const video = messageOf(toInbound(fixture("aibot-video-single"), "AIBOTID", receivedAt)).attachments[0];
    expect(video).toMatchObject({ type: "video", media: { mimeType: "video/mp4" } });
  });

  it("a template card button click is the typed command its key stands for, with the event's time", () => {
    const body = fixture("aibot-event-template-card-button") as { event: { template_card_event: { event_key: string } } };
    body.event.template_card_event.event_key = "approve 3f2a";
    const message = messageOf(toInbound(body, "AIBOTID", receivedAt));
    expect(message.id).toBe("event:CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=");
    expect(plainText(message.segments)).toBe("/approve 3f2a");
    expect(message.sentAt).toBe(1_700_000_000_000);
    expect(message.conversation).toEqual({ platform: "wecom", chatId: "CHATID", kind: "group" });
    expect(message.isReplyable).toBe(false);
    expect(parseCommand(promptText(message.segments), [])).toEqual({ type: "approval", requestId: "3f2a", isApproved: true, isAlways: false });
    expect(decideAccess(message, policy, false).type).toBe("admit");
  });

  it("the documented button key comes through as it is", () => {
    const message = messageOf(toInbound(fixture("aibot-event-template-card-button"), "AIBOTID", receivedAt));
    expect(plainText(message.segments)).toBe("/button_replace_text");
  });

  it("enter_chat is for the adapter (a welcome), not a message", () => {
    expect(toInbound(fixture("aibot-event-enter-chat"), "AIBOTID", receivedAt)).toEqual({ type: "enter-chat", userId: "USERID" });
  });

  it("feedback events and stream refreshes are ignored", () => {
    expect(toInbound(fixture("aibot-event-feedback"), "AIBOTID", receivedAt)).toEqual({ type: "ignored", reason: "event feedback_event" });
    expect(toInbound(fixture("aibot-stream-refresh"), "AIBOTID", receivedAt)).toEqual({ type: "ignored", reason: "stream refresh" });
  });

  it("a malformed body is ignored, not thrown", () => {
    expect(toInbound({ msgtype: "text" }, "AIBOTID", receivedAt).type).toBe("ignored");
    expect(toInbound(undefined, "AIBOTID", receivedAt).type).toBe("ignored");
  });
});
